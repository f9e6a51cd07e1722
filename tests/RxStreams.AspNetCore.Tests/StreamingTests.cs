using System.Collections.Concurrent;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxStreams.Client;
using RxStreams.Testing;

namespace RxStreams.AspNetCore.Tests;

public sealed class StreamingTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private KestrelHost Host => server.Host;

    [Fact]
    public async Task A_duplex_chat_round_trip_reaches_every_member_of_the_room()
    {
        await using var ann = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        await using var bob = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        var room = "round-trip-" + Guid.NewGuid().ToString("N");
        var annRoom = ann.Open<Say, Say>("room/" + room);
        var bobRoom = bob.Open<Say, Say>("room/" + room);
        var annSaw = new ConcurrentQueue<string>();
        var bobSaw = new ConcurrentQueue<string>();
        using var a = annRoom.Subscribe(s => annSaw.Enqueue(s.Text));
        using var b = bobRoom.Subscribe(s => bobSaw.Enqueue(s.Text));

        annRoom.OnNext(new Say("hi bob"));
        await Wait.UntilAsync(() => bobSaw.Contains("hi bob"), "bob got ann's message");
        bobRoom.OnNext(new Say("hi ann"));
        await Wait.UntilAsync(() => annSaw.Contains("hi ann") && bobSaw.Contains("hi ann"), "everyone got bob's message");
        Assert.Equal(["hi bob", "hi ann"], annSaw);
        Assert.Equal(["hi bob", "hi ann"], bobSaw);
        Assert.NotNull(annRoom.LastOffset);
    }

    [Fact]
    public async Task A_hundred_streams_on_one_socket_each_get_only_their_own_items()
    {
        await using var client = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        var received = Enumerable.Range(0, 100).Select(_ => new ConcurrentQueue<Said>()).ToArray();
        var streams = Enumerable.Range(0, 100).Select(i => client.Open<Say, Said>($"echo/{i}")).ToArray();
        var subscriptions = streams.Select((s, i) => s.Subscribe(received[i].Enqueue)).ToList();
        for (var round = 0; round < 10; round++)
        {
            for (var i = 0; i < 100; i++)
            {
                streams[i].OnNext(new Say($"{i}:{round}"));
            }
        }
        await Wait.UntilAsync(() => received.All(r => r.Count == 10), "every stream got its ten echoes");
        for (var i = 0; i < 100; i++)
        {
            Assert.All(received[i], said => Assert.Equal(i, said.Stream));
            Assert.Equal(Enumerable.Range(0, 10).Select(r => $"{i}:{r}"), received[i].Select(s => s.Text));
        }
        subscriptions.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task The_server_aborting_mid_stream_loses_and_doubles_nothing()
    {
        const int Items = 10_000;
        var hub = (IStreamHub)Host.Services.GetService(typeof(IStreamHub))!;
        var name = Guid.NewGuid().ToString("N");
        var channel = hub.Channel<Tick>($"feed:{name}", new StreamChannelOptions { MaxLength = 100_000 });
        await using var client = await RxStreamsClient.ConnectAsync(Host.Endpoint, new RxStreamsClientOptions { ReconnectDelay = TimeSpan.FromMilliseconds(20) });
        var seen = new ConcurrentQueue<int>();
        var reconnected = 0;
        using var states = client.State.Where(s => s == ConnectionState.Reconnecting).Subscribe(_ => Interlocked.Increment(ref reconnected));
        using var feed = client.Subscribe<Tick>("feed/" + name).Subscribe(t => seen.Enqueue(t.N));

        var publisher = Task.Run(async () =>
        {
            for (var i = 0; i < Items; i++)
            {
                await channel.PublishAsync(new Tick(i));
                if (i % 500 == 0)
                {
                    await Task.Yield();
                }
            }
        });
        await Wait.UntilAsync(() => seen.Count > Items / 4, "a quarter of the stream arrived");
        var handler = Host.Services.GetConnectionHandler();
        foreach (var connection in handler.Connections)
        {
            connection.AbortForTests();
        }
        await publisher;
        await Wait.UntilAsync(() => seen.Count >= Items, $"all {Items} items arrived (have {seen.Count})");
        Assert.Equal(Enumerable.Range(0, Items), seen);
        // The client may read the last items before it notices the reset that follows them.
        await Wait.UntilAsync(() => Volatile.Read(ref reconnected) >= 1, "the client reconnected");
    }

    [Fact]
    public async Task Request_response_returns_the_result_and_errors_carry_their_code()
    {
        await using var client = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        Assert.Equal(5, await client.InvokeAsync<AddRequest, int>("math/add", new AddRequest(2, 3)));
        var error = await Assert.ThrowsAsync<StreamException>(() => client.InvokeAsync<AddRequest, int>("math/divide", new AddRequest(1, 0)));
        Assert.Equal("division_by_zero", error.Code);
        Assert.Equal("Cannot divide by zero.", error.Message);
        var failure = await Assert.ThrowsAsync<StreamException>(() => client.InvokeAsync<AddRequest, int>("math/fail", new AddRequest(1, 0)));
        Assert.Equal(StreamErrorCodes.HandlerError, failure.Code);
        var notFound = await Assert.ThrowsAsync<StreamException>(() => client.InvokeAsync<AddRequest, int>("math/nope", new AddRequest(1, 0)));
        Assert.Equal(StreamErrorCodes.RouteNotFound, notFound.Code);
    }

    [Fact]
    public async Task Request_timeout_and_cancellation_cancel_the_call_on_the_server()
    {
        await using var client = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        await Assert.ThrowsAsync<TimeoutException>(() => client.InvokeAsync<AddRequest, int>("math/slow", new AddRequest(1, 1), timeout: TimeSpan.FromMilliseconds(200)));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.InvokeAsync<AddRequest, int>("math/slow", new AddRequest(1, 1), cts.Token));
        var handler = Host.Services.GetConnectionHandler();
        await Wait.UntilAsync(() => handler.Connections.Sum(c => c.StreamCount) == 0, "the server released the cancelled calls");
        Assert.Equal(2, await client.InvokeAsync<AddRequest, int>("math/add", new AddRequest(1, 1)));
    }

    [Fact]
    public async Task Fire_and_forget_completes_once_handled()
    {
        await using var client = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        var hub = (IStreamHub)Host.Services.GetService(typeof(IStreamHub))!;
        var notes = new ConcurrentQueue<string>();
        using var _ = hub.Channel<Say>("notes").Subscribe(i => notes.Enqueue(i.Value.Text));
        await client.SendAsync("notes", new Say("remember the milk"));
        await Wait.UntilAsync(() => notes.Contains("remember the milk"), "the note was published");
    }

    [Fact]
    public async Task A_subscription_completes_after_its_items()
    {
        await using var client = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        var ticks = await client.Subscribe<Tick>("count/5000").Select(t => t.N).ToList().ToTask();
        Assert.Equal(Enumerable.Range(0, 5000), ticks);
    }

    [Fact]
    public async Task Several_subscribers_of_one_client_stream_share_it_and_the_last_one_leaving_cancels_it()
    {
        await using var client = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        var stream = client.Open<Say, Said>("echo/7");
        var a = new ConcurrentQueue<Said>();
        var b = new ConcurrentQueue<Said>();
        var subA = stream.Subscribe(a.Enqueue);
        var subB = stream.Subscribe(b.Enqueue);
        stream.OnNext(new Say("x"));
        await Wait.UntilAsync(() => a.Count == 1 && b.Count == 1, "both subscribers got the echo");
        var handler = Host.Services.GetConnectionHandler();
        subA.Dispose();
        subB.Dispose();
        await Wait.UntilAsync(() => handler.Connections.Sum(c => c.StreamCount) == 0, "the server stream was cancelled");
    }
}
