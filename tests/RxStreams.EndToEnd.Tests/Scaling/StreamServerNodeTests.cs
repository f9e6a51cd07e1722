using System.Collections.Concurrent;
using System.Reactive.Linq;
using RxStreams.Client;
using RxStreams.Testing;
using RxStreams.TestServer;

namespace RxStreams.EndToEnd.Tests.Scaling;

/// <summary>Client-hosted stream servers across two nodes on one Redis, including the host's node dying.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class StreamServerNodeTests(EndToEndFixture run)
{
    private async Task<ServerProcess> Node(string name, string prefix)
        => await ServerProcess.StartAsync(name, "--redis", (await run.RedisAsync()).ConnectionString, "--prefix", prefix, "--lease", "2");

    private static IObservable<Tick> Double(IObservable<Tick> input) => input.Select(t => new Tick(t.N * 2, "host"));

    [Fact]
    public async Task A_server_hosted_by_a_client_of_one_node_serves_callers_on_the_other()
    {
        var prefix = Nodes.NewPrefix();
        await using var a = await Node("a", prefix);
        await using var b = await Node("b", prefix);
        await using var host = await RxStreamsClient.ConnectAsync(a.Endpoint);
        await using var listener = await host.ListenAsync<Tick, Tick>("doubler", Double);
        await using var caller = await RxStreamsClient.ConnectAsync(b.Endpoint);

        var answers = new ConcurrentQueue<int>();
        var stream = caller.Connect<Tick, Tick>("doubler");
        using var _ = stream.Subscribe(t => answers.Enqueue(t.N));
        for (var i = 0; i < 100; i++)
        {
            stream.OnNext(new Tick(i));
        }
        await Wait.UntilAsync(() => answers.Count == 100, "a hundred answers crossed the nodes");
        Assert.Equal(Enumerable.Range(0, 100).Select(i => i * 2), answers);
        Assert.Equal(42, (await caller.InvokeAsync<Tick, Tick>("$connect/doubler", new Tick(21))).N);

        // The name is taken cluster-wide: a client of the other node cannot serve it.
        var taken = await Assert.ThrowsAsync<StreamException>(() => caller.ListenAsync<Tick, Tick>("doubler", Double));
        Assert.Equal(StreamErrorCodes.NameTaken, taken.Code);
    }

    [Fact]
    public async Task When_the_hosts_node_dies_callers_on_the_other_node_get_server_gone_and_the_name_frees_within_the_lease()
    {
        var prefix = Nodes.NewPrefix();
        await using var a = await Node("a", prefix);
        await using var b = await Node("b", prefix);
        await using var host = await RxStreamsClient.ConnectAsync(a.Endpoint, new RxStreamsClientOptions { MaxReconnectAttempts = 0 });
        await host.ListenAsync<Tick, Tick>("fragile", Double);
        await using var caller = await RxStreamsClient.ConnectAsync(b.Endpoint);
        var ended = new TaskCompletionSource<Exception>();
        var answers = new ConcurrentQueue<int>();
        var stream = caller.Connect<Tick, Tick>("fragile");
        using var _ = stream.Subscribe(t => answers.Enqueue(t.N), ended.SetResult);
        stream.OnNext(new Tick(1));
        await Wait.UntilAsync(() => answers.Count == 1, "the first answer");

        await a.KillAsync();
        var error = Assert.IsType<StreamException>(await Wait.ForAsync(ended.Task, "the caller learned the host is gone", TimeSpan.FromSeconds(20)));
        Assert.Equal(StreamErrorCodes.ServerGone, error.Code);

        // Within about the lease, the name can be served again — here by a client of node b.
        await using var successor = await RxStreamsClient.ConnectAsync(b.Endpoint);
        IAsyncDisposable? listener = null;
        await Wait.UntilAsync(async () =>
        {
            try
            {
                listener = await successor.ListenAsync<Tick, Tick>("fragile", Double);
                return true;
            }
            catch (StreamException e) when (e.Code == StreamErrorCodes.NameTaken)
            {
                return false;
            }
        }, "the dead host's name is free again", TimeSpan.FromSeconds(20));
        Assert.Equal(4, (await caller.InvokeAsync<Tick, Tick>("$connect/fragile", new Tick(2))).N);
        await listener!.DisposeAsync();
    }
}
