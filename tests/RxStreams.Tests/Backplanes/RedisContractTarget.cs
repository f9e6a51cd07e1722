using RxStreams.Tests.Redis;
using Xunit.Abstractions;

namespace RxStreams.Tests.Backplanes;

/// <summary>
/// The Redis backplane on the run's shared single redis-server or Redis Cluster: a store is a key prefix, a node a
/// <see cref="RedisNode"/> of its own connection.
/// </summary>
public sealed class RedisContractTarget(RedisFixture fixture, bool cluster, ITestOutputHelper output) : BackplaneTarget
{
    private RedisTarget? _redis;

    private RedisTarget Redis => _redis ?? throw new InvalidOperationException("InitializeAsync was not called.");

    public override async Task InitializeAsync() => _redis = await fixture.TargetAsync(cluster);

    public override string NewStore() => Redis.NewPrefix();

    public override ContractNode StartNode(string store, StoreLimits? limits = null)
    {
        var node = RedisNode.Start(Redis.ConnectionString, store, output, options =>
        {
            if (limits?.MaxQueueLength is { } maxQueueLength)
            {
                options.MaxQueueLength = maxQueueLength;
            }
        });
        return new ContractNode(node.Backplane, node.Hub, node.DisposeAsync);
    }

    public override string ToString() => cluster ? "redis cluster" : "redis";
}
