using System.Collections.Concurrent;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using RxStreams.Client;
using RxStreams.Servers;
using RxStreams.Testing;

namespace RxStreams.AspNetCore.Tests;

/// <summary>Client-hosted stream servers on one node: listen, connect, RPC, and every way it can go wrong.</summary>
public sealed class StreamServerTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private KestrelHost Host => server.Host;

    private static string NewName() => "srv-" + Guid.NewGuid().ToString("N")[..8];

    private static IObservable<Said> Shout(IObservable<Say> input) => input.Select(s => new Said("host", s.Text.ToUpperInvariant(), 0));

    [Fact]
    public async Task A_client_serves_a_name_and_another_connects_to_it_through_the_server()
    {
        var name = NewName();
        await using var host = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        await using var caller = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        await using var listener = await host.ListenAsync<Say, Said>(name, Shout);

        var answers = new ConcurrentQueue<string>();
        var stream = caller.Connect<Say, Said>(name);
        using var _ = stream.Subscribe(s => answers.Enqueue(s.Text));
        stream.OnNext(new Say("hello"));
        stream.OnNext(new Say("again"));
        await Wait.UntilAsync(() => answers.Count == 2, "both answers came back");
        Assert.Equal(["HELLO", "AGAIN"], answers);
    }

    [Fact]
    public async Task A_browser_caller_asking_for_peer_to_peer_stays_on_the_relay_and_its_hello_is_not_input()
    {
        // The browser client's peerToPeer caller says {"$rxPeer":"hello"} first (docs/protocol.md 7.9). The .NET client
        // keeps the relay: no welcome goes back, and the handler sees only the caller's own items.
        var name = NewName();
        await using var host = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        var inputs = new ConcurrentQueue<string>();
        await using var listener = await host.ListenAsync<Say, Said>(name, input => input.Do(s => inputs.Enqueue(s.Text)).Select(s => new Said("host", s.Text.ToUpperInvariant(), 0)));
        await using var caller = await RawClient.ConnectAsync(Host.Endpoint);
        await caller.OpenAsync(1, "$connect/" + name);
        await caller.NextAsync(1, """{"$rxPeer":"hello"}""");
        await caller.NextAsync(1, """{"text":"hi"}""");
        var answer = await caller.ReceiveUntilAsync(f => f.StreamId == 1);
        Assert.Equal(RxStreams.Protocol.FrameType.Next, answer.Type);
        Assert.Equal("""{"from":"host","text":"HI","stream":0}""", answer.Payload);
        Assert.Equal(["hi"], inputs);
    }

    [Fact]
    public async Task A_second_listener_on_a_taken_name_gets_name_taken_and_the_name_is_free_once_released()
    {
        var name = NewName();
        await using var first = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        await using var second = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        var listener = await first.ListenAsync<Say, Said>(name, Shout);
        var taken = await Assert.ThrowsAsync<StreamException>(() => second.ListenAsync<Say, Said>(name, Shout));
        Assert.Equal(StreamErrorCodes.NameTaken, taken.Code);

        await listener.DisposeAsync();
        await Wait.UntilAsync(async () =>
        {
            try
            {
                await using var again = await second.ListenAsync<Say, Said>(name, Shout);
                return true;
            }
            catch (StreamException e) when (e.Code == StreamErrorCodes.NameTaken)
            {
                return false;
            }
        }, "the name is free again");
    }

    [Fact]
    public async Task A_message_request_or_answer_too_large_for_a_frame_fails_alone_with_frame_too_large()
    {
        // The server closes a connection on an oversized frame; the client refuses such a frame itself, so only the
        // one message, request or answer fails and the connection (with everything else on it) carries on.
        var name = NewName();
        var big = new string('x', 70 * 1024); // above the default 64 KiB frame
        await using var host = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        await using var caller = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        var states = new ConcurrentQueue<ConnectionState>();
        using var watchHost = host.State.Subscribe(states.Enqueue);
        using var watchCaller = caller.State.Subscribe(states.Enqueue);
        await using var listener = await host.ListenAsync<Say, Said>(name, input => input.Select(s => new Said("host", s.Text == "big" ? big : s.Text.ToUpperInvariant(), 0)));

        // An answer too large for a frame ends that call only.
        var call = caller.Connect<Say, Said>(name);
        var firstAnswer = call.FirstAsync().ToTask(); // subscribing opens the call
        call.OnNext(new Say("big"));
        var tooBig = await Assert.ThrowsAsync<StreamException>(() => firstAnswer);
        Assert.Equal(StreamErrorCodes.FrameTooLarge, tooBig.Code);

        // A message and a request too large fail where they are sent.
        var stream = caller.Connect<Say, Said>(name);
        var answers = new ConcurrentQueue<string>();
        using var _ = stream.Subscribe(s => answers.Enqueue(s.Text));
        Assert.Equal(StreamErrorCodes.FrameTooLarge, Assert.Throws<StreamException>(() => stream.OnNext(new Say(big))).Code);
        Assert.Equal(StreamErrorCodes.FrameTooLarge, (await Assert.ThrowsAsync<StreamException>(() => caller.SendAsync("notes", new Say(big)))).Code);
        Assert.Equal(StreamErrorCodes.FrameTooLarge, (await Assert.ThrowsAsync<StreamException>(() => caller.InvokeAsync<Say, Said>("$connect/" + name, new Say(big)))).Code);

        // Both connections carry on: the same stream answers, requests answer, nobody reconnected.
        stream.OnNext(new Say("still here"));
        await Wait.UntilAsync(() => answers.Contains("STILL HERE"), "the stream answered after the refused message");
        Assert.Equal(3, await caller.InvokeAsync<AddRequest, int>("math/add", new AddRequest(1, 2)));
        Assert.DoesNotContain(ConnectionState.Reconnecting, states);
    }

    [Fact]
    public async Task A_bad_server_name_is_refused_by_the_client_with_the_servers_rule()
    {
        await using var client = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        foreach (var bad in new[] { "", "a/b", "tab\there", new string('n', 129) })
        {
            var connect = Assert.Throws<ArgumentException>(() => client.Connect<Say, Said>(bad));
            Assert.Contains("no control characters", connect.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<ArgumentException>(() => client.ListenAsync<Say, Said>(bad, Shout));
        }
        await using var fine = await client.ListenAsync<Say, Said>(new string('n', 128), Shout);
    }

    [Fact]
    public async Task Connecting_to_a_name_nobody_serves_gets_no_such_server()
    {
        await using var caller = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        var error = await Assert.ThrowsAsync<StreamException>(() => caller.Connect<Say, Said>(NewName()).FirstAsync().ToTask());
        Assert.Equal(StreamErrorCodes.NoSuchServer, error.Code);
        var rpc = await Assert.ThrowsAsync<StreamException>(() => caller.InvokeAsync<Say, Said>("$connect/" + NewName(), new Say("x")));
        Assert.Equal(StreamErrorCodes.NoSuchServer, rpc.Code);
    }

    [Fact]
    public async Task When_the_host_disconnects_mid_stream_its_callers_get_server_gone()
    {
        var name = NewName();
        var host = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        await using var caller = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        await host.ListenAsync<Say, Said>(name, Shout);
        var answers = new ConcurrentQueue<string>();
        var ended = new TaskCompletionSource<Exception>();
        var stream = caller.Connect<Say, Said>(name);
        using var _ = stream.Subscribe(s => answers.Enqueue(s.Text), ended.SetResult);
        stream.OnNext(new Say("one"));
        await Wait.UntilAsync(() => answers.Count == 1, "the first answer");

        await host.DisposeAsync();
        var error = Assert.IsType<StreamException>(await Wait.ForAsync(ended.Task, "the caller's stream ended"));
        Assert.Equal(StreamErrorCodes.ServerGone, error.Code);
        await using var successor = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        await using var __ = await successor.ListenAsync<Say, Said>(name, Shout);
    }

    [Fact]
    public async Task Fifty_callers_at_once_each_get_only_their_own_answers()
    {
        var name = NewName();
        await using var host = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        await using var listener = await host.ListenAsync<Say, Said>(name, input => input.Select(s => new Said("host", s.Text + "!", 0)));
        var callers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => RxStreamsClient.ConnectAsync(Host.Endpoint)));
        try
        {
            var answers = callers.Select(_ => new ConcurrentQueue<string>()).ToArray();
            var streams = callers.Select(c => c.Connect<Say, Said>(name)).ToArray();
            var subscriptions = streams.Select((s, i) => s.Subscribe(a => answers[i].Enqueue(a.Text))).ToList();
            for (var round = 0; round < 5; round++)
            {
                for (var i = 0; i < streams.Length; i++)
                {
                    streams[i].OnNext(new Say($"{i}.{round}"));
                }
            }
            await Wait.UntilAsync(() => answers.All(a => a.Count == 5), "every caller got its five answers");
            for (var i = 0; i < answers.Length; i++)
            {
                Assert.Equal(Enumerable.Range(0, 5).Select(r => $"{i}.{r}!"), answers[i]);
            }
            subscriptions.ForEach(s => s.Dispose());
        }
        finally
        {
            foreach (var c in callers)
            {
                await c.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Requests_to_a_hosted_server_answer_time_out_cancel_and_carry_remote_errors()
    {
        var name = NewName();
        var hostCancelled = new TaskCompletionSource();
        await using var host = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        await using var listener = await host.ListenAsync<Say, Said>(name, input => input.Take(1).SelectMany(s => s.Text switch
        {
            "fail" => Observable.Throw<Said>(new StreamException("no_way", "The host refuses.")),
            "hang" => Observable.Never<Said>().Finally(() => hostCancelled.TrySetResult()),
            _ => Observable.Return(new Said("host", s.Text + "?", 0)),
        }));
        await using var caller = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        var route = "$connect/" + name;

        Assert.Equal("ping?", (await caller.InvokeAsync<Say, Said>(route, new Say("ping"))).Text);
        var error = await Assert.ThrowsAsync<StreamException>(() => caller.InvokeAsync<Say, Said>(route, new Say("fail")));
        Assert.Equal(("no_way", "The host refuses."), (error.Code, error.Message));
        await Assert.ThrowsAsync<TimeoutException>(() => caller.InvokeAsync<Say, Said>(route, new Say("hang"), timeout: TimeSpan.FromMilliseconds(300)));
        await Wait.ForAsync(hostCancelled.Task, "the host saw the timed-out call cancelled");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => caller.InvokeAsync<Say, Said>(route, new Say("hang"), cts.Token));
    }

    [Fact]
    public async Task A_request_to_a_host_that_keeps_answering_resolves_with_the_first_answer_and_cancels_the_rest()
    {
        var name = NewName();
        var cancelled = new TaskCompletionSource();
        await using var host = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        // A host written for streams: the state at once, then updates, and it never completes by itself.
        await using var listener = await host.ListenAsync<Say, Said>(name, input =>
            Observable.Return(new Said("host", "state", 0))
                .Concat(Observable.Interval(TimeSpan.FromMilliseconds(20)).Select(i => new Said("host", "update " + i, 0)))
                .Finally(() => cancelled.TrySetResult()));
        await using var caller = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        Assert.Equal("state", (await caller.InvokeAsync<Say, Said>("$connect/" + name, new Say("?"))).Text);
        await Wait.ForAsync(cancelled.Task, "the host's call was cancelled after the answer");
    }

    [Fact]
    public async Task Server_code_can_ask_a_client_hosted_server_and_watch_servers_come_and_go()
    {
        var name = NewName();
        var hub = (IStreamHub)Host.Services.GetService(typeof(IStreamHub))!;
        var events = new ConcurrentQueue<StreamServerEvent>();
        using var watch = hub.Servers.Watch().Subscribe(events.Enqueue);
        await Wait.UntilAsync(() => events.Any(e => e.Kind == StreamServerEventKind.Snapshot), "the snapshot");

        await using var host = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        var listener = await host.ListenAsync<Say, Said>(name, Shout);
        await Wait.UntilAsync(() => events.Any(e => e.Kind == StreamServerEventKind.Created && e.Name == name), "the server was created");
        Assert.Contains(name, await hub.Servers.ListAsync());

        var answer = await hub.Servers.InvokeAsync<Say, Said>(name, new Say("from the server"));
        Assert.Equal("FROM THE SERVER", answer.Text);
        var stream = await hub.Servers.Connect<Say, Said>(name, new[] { new Say("a"), new Say("b") }.ToObservable().Concat(Observable.Never<Say>()))
            .Take(2).Select(s => s.Text).ToList().ToTask();
        Assert.Equal(["A", "B"], stream);

        await listener.DisposeAsync();
        await Wait.UntilAsync(() => events.Any(e => e.Kind == StreamServerEventKind.Destroyed && e.Name == name), "the server was destroyed");
        var gone = await Assert.ThrowsAsync<StreamException>(() => hub.Servers.InvokeAsync<Say, Said>(name, new Say("x")));
        Assert.Equal(StreamErrorCodes.NoSuchServer, gone.Code);
    }
}
