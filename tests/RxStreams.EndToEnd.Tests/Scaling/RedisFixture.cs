using RxStreams.Channels;
using RxStreams.Redis;
using RxStreams.Testing;

namespace RxStreams.EndToEnd.Tests.Scaling;

/// <summary>One redis-server for the multi-node tests of a run; each test uses its own key prefix.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A hub of the test process on the same Redis and prefix as the nodes: it publishes, enqueues and observes.</summary>
    public static (RedisBackplane Backplane, StreamHub Hub) Observer(RedisServer server, string prefix)
    {
        var backplane = new RedisBackplane(new RedisBackplaneOptions { Configuration = server.ConnectionString, KeyPrefix = prefix });
        return (backplane, new StreamHub(backplane));
    }

    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..8];
}

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "redis";
}
