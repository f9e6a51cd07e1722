using RxStreams.Channels;
using RxStreams.Redis;
using RxStreams.Testing;

namespace RxStreams.EndToEnd.Tests.Scaling;

/// <summary>Helpers of the multi-node tests, which use the run's one redis-server (each test under its own key prefix).</summary>
public static class Nodes
{
    /// <summary>A hub of the test process on the same Redis and prefix as the nodes: it publishes, enqueues and observes.</summary>
    public static (RedisBackplane Backplane, StreamHub Hub) Observer(RedisServer server, string prefix)
    {
        var backplane = new RedisBackplane(new RedisBackplaneOptions { Configuration = server.ConnectionString, KeyPrefix = prefix });
        return (backplane, new StreamHub(backplane));
    }

    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..8];
}
