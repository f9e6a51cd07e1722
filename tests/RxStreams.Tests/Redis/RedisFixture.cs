using RxStreams.Testing;
using StackExchange.Redis;

namespace RxStreams.Tests.Redis;

/// <summary>
/// The Redis tests run one after another, sharing one redis-server and one Redis Cluster (each isolated by key
/// prefix); tests that kill or restart Redis start their own.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "Redis";
}

/// <summary>
/// One redis-server and one Redis Cluster (3 masters, 3 replicas) for the whole run, each started on first use and
/// stopped at the end, with an admin connection for inspecting them.
/// </summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private RedisServer? _server;
    private RedisCluster? _cluster;
    private RedisTarget? _single;
    private RedisTarget? _clustered;

    /// <summary>The shared single redis-server.</summary>
    public async Task<RedisTarget> SingleAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_single is null)
            {
                _server = await RedisServer.StartAsync();
                _single = new RedisTarget("single", _server.ConnectionString, await ConnectAdminAsync(_server.ConnectionString), null);
            }
            return _single;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The shared cluster.</summary>
    public async Task<RedisTarget> ClusterAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_clustered is null)
            {
                _cluster = await RedisCluster.StartAsync();
                _clustered = new RedisTarget("cluster", _cluster.ConnectionString, await ConnectAdminAsync(_cluster.ConnectionString), _cluster);
            }
            return _clustered;
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task<RedisTarget> TargetAsync(bool cluster) => cluster ? ClusterAsync() : SingleAsync();

    public static async Task<ConnectionMultiplexer> ConnectAdminAsync(string connectionString)
        => await ConnectionMultiplexer.ConnectAsync(connectionString + ",allowAdmin=true");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _single?.Admin.Dispose();
        _clustered?.Admin.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
