using System.Collections.Concurrent;
using System.Reactive.Linq;
using RxStreams.Servers;
using RxStreams.Sessions;
using RxStreams.Testing;
using Xunit.Abstractions;

namespace RxStreams.Tests.Redis;

/// <summary>
/// Sessions, ephemeral channels and client-hosted stream servers across two nodes; run on a single Redis and on a
/// Redis Cluster (the two classes at the end).
/// </summary>
public abstract class RedisSessionAndServerTests(RedisFixture fixture, ITestOutputHelper output) : RedisTestBase(fixture)
{
    private RedisNode Node(string prefix) => RedisNode.Start(redis.ConnectionString, prefix, output);

    [Fact]
    public async Task A_session_written_on_one_node_is_read_on_the_other_until_removed_or_expired()
    {
        var prefix = redis.NewPrefix();
        await using var a = Node(prefix);
        await using var b = Node(prefix);
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var session = new StreamSession("s1", "alice", now, now, [new SessionStream("chat/lobby", new StreamOffset(5, 1)), new SessionStream("typing/x", null)]);

        await a.Backplane.Sessions.SetAsync(session, TimeSpan.FromMinutes(1));
        var read = await b.Backplane.Sessions.GetAsync("s1");
        Assert.NotNull(read);
        Assert.Equal(session with { Streams = [] }, read with { Streams = [] });
        Assert.Equal(session.Streams, read.Streams);
        Assert.Null(await b.Backplane.Sessions.GetAsync("s2"));

        await b.Backplane.Sessions.RemoveAsync("s1");
        Assert.Null(await a.Backplane.Sessions.GetAsync("s1"));

        await a.Backplane.Sessions.SetAsync(session with { Id = "short" }, TimeSpan.FromMilliseconds(300));
        Assert.NotNull(await b.Backplane.Sessions.GetAsync("short"));
        await Wait.UntilAsync(async () => await b.Backplane.Sessions.GetAsync("short") is null, "the session expires");
    }

    [Fact]
    public async Task A_client_hosted_server_on_one_node_is_called_from_the_other_and_its_name_is_taken_once()
    {
        var prefix = redis.NewPrefix();
        await using var a = Node(prefix);
        await using var b = Node(prefix);
        var host = new EchoHost();
        var registration = await a.Hub.Servers.RegisterAsync("echo", "alice", host, default);
        Assert.NotNull(registration);
        Assert.Null(await b.Hub.Servers.RegisterAsync("echo", "bob", new EchoHost(), default));

        var answers = new ConcurrentQueue<string>();
        Exception? error = null;
        var completed = false;
        using (((IStreamServers)b.Hub.Servers).Connect<string, string>("echo", Observable.Return("hello").Concat(Observable.Return("again")))
            .Subscribe(answers.Enqueue, e => error = e, () => completed = true))
        {
            await Wait.UntilAsync(() => completed || error is not null, "the proxied stream ends");
        }
        Assert.Null(error);
        Assert.Equal(["hello", "again"], answers);
        Assert.Equal(1, host.Opened);

        await registration.DisposeAsync();
        Exception? gone = null;
        using (((IStreamServers)b.Hub.Servers).Connect<string, string>("echo", Observable.Return("x")).Subscribe(_ => { }, e => gone = e))
        {
            await Wait.UntilAsync(() => gone is not null, "calling a name nobody serves fails");
        }
        output.WriteLine($"after the owner left: {gone}");
        Assert.IsAssignableFrom<StreamException>(gone);
    }
}

[Collection(RedisCollection.Name)]
public sealed class SingleRedisSessionAndServerTests(RedisFixture fixture, ITestOutputHelper output) : RedisSessionAndServerTests(fixture, output)
{
    protected override bool OnCluster => false;
}

[Collection(RedisCollection.Name)]
public sealed class ClusterRedisSessionAndServerTests(RedisFixture fixture, ITestOutputHelper output) : RedisSessionAndServerTests(fixture, output)
{
    protected override bool OnCluster => true;
}
