using RxStreams.Testing;
using StackExchange.Redis;

namespace RxStreams.Tests.Redis;

/// <summary>
/// Where a Redis test runs: a single redis-server or a Redis Cluster, with an admin connection and the few
/// inspections tests make, done on every server of a cluster (keys, subscriptions, clients live where their slot or
/// their connection is).
/// </summary>
public sealed class RedisTarget(string name, string connectionString, ConnectionMultiplexer admin, RedisCluster? cluster)
{
    private static int s_next;

    public string Name => name;

    /// <summary>A key prefix no other test uses.</summary>
    public string NewPrefix() => $"t{Interlocked.Increment(ref s_next)}x{Guid.NewGuid().ToString("N")[..6]}";

    public string ConnectionString => connectionString;

    public ConnectionMultiplexer Admin => admin;

    public IDatabase Db => admin.GetDatabase();

    /// <summary>The cluster, or null on a single Redis.</summary>
    public RedisCluster? Cluster => cluster;

    public bool IsCluster => cluster is not null;

    private IServer[] Servers => [.. admin.GetServers().Where(s => s.IsConnected)];

    private IServer[] Masters => [.. Servers.Where(s => !s.IsReplica)];

    /// <summary>Every key matching <paramref name="pattern"/>, on every master.</summary>
    public async Task<List<string>> KeysAsync(string pattern)
    {
        var keys = new List<string>();
        foreach (var server in Masters)
        {
            keys.AddRange(((RedisResult[])(await server.ExecuteAsync("KEYS", pattern))!).Select(k => (string)k!));
        }
        return keys;
    }

    /// <summary>
    /// How many subscriptions the servers hold for a channel (<c>PUBSUB NUMSUB</c> plus <c>PUBSUB SHARDNUMSUB</c>),
    /// summed over every server: a node subscribes once, on whichever server the client picked.
    /// </summary>
    public async Task<(long Plain, long Sharded)> SubscriptionsAsync(string channel)
    {
        long plain = 0, sharded = 0;
        foreach (var server in Servers)
        {
            plain += (long)((RedisResult[])(await server.ExecuteAsync("PUBSUB", "NUMSUB", channel))!)[1];
            sharded += (long)((RedisResult[])(await server.ExecuteAsync("PUBSUB", "SHARDNUMSUB", channel))!)[1];
        }
        return (plain, sharded);
    }

    /// <summary><c>CLIENT LIST</c> of every server, by server.</summary>
    public async Task<Dictionary<string, string[]>> ClientsAsync()
    {
        var clients = new Dictionary<string, string[]>();
        foreach (var server in Servers)
        {
            clients[server.EndPoint.ToString()!] = ((string)(await server.ExecuteAsync("CLIENT", "LIST"))!).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        return clients;
    }

    /// <summary>The hash slot of a key (as the cluster computes it; a single Redis has no slots but the same function).</summary>
    public int Slot(RedisKey key) => admin.HashSlot(key);

    /// <summary>The port of the master that serves a slot now.</summary>
    public int MasterPortOf(RedisKey key) => ((System.Net.IPEndPoint)admin.GetServer(key).EndPoint).Port;

    public override string ToString() => name;
}
