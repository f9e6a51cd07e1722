using System.Collections.Concurrent;
using System.Reactive.Linq;
using RxStreams.Servers;
using RxStreams.Testing;
using Xunit.Abstractions;

namespace RxStreams.Tests.Redis;

/// <summary>Client-hosted stream servers across two nodes on Redis, with Redis going away under them.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisStreamServerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_node_whose_first_listen_failed_while_Redis_was_down_carries_each_message_once_after()
    {
        await using var server = await RedisServer.StartAsync();
        await using var a = RedisNode.Start(server.ConnectionString, "s", output, o => o.OperationTimeout = TimeSpan.FromSeconds(2));
        var host = new EchoHost();

        await server.KillAsync();
        await Wait.UntilAsync(() => !a.Backplane.IsConnected, "node A sees the connection down");
        await Assert.ThrowsAsync<BackplaneUnavailableException>(async () => await a.Hub.Servers.RegisterAsync("echo", "alice", host, default));
        await server.RestartAsync();
        IAsyncDisposable? registration = null;
        await Wait.UntilAsync(async () =>
        {
            try
            {
                registration = await a.Hub.Servers.RegisterAsync("echo", "alice", host, default);
                return true;
            }
            catch (BackplaneUnavailableException)
            {
                return false;
            }
        }, "node A serves the name once Redis is back");
        Assert.NotNull(registration);

        // The caller on a node that never saw Redis down.
        await using var b = RedisNode.Start(server.ConnectionString, "s", output);

        var answers = new ConcurrentQueue<string>();
        Exception? error = null;
        var completed = false;
        using var _ = ((IStreamServers)b.Hub.Servers).Connect<string, string>("echo", Observable.Return("hello").Concat(Observable.Return("again")))
            .Subscribe(answers.Enqueue, e => error = e, () => completed = true);
        await Wait.UntilAsync(() => completed || error is not null, "the proxied stream ends");
        Assert.Null(error);
        Assert.Equal(["hello", "again"], answers);
        Assert.Equal(1, host.Opened);
        await registration!.DisposeAsync();
    }
}
