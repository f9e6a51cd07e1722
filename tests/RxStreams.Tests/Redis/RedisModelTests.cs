using RxStreams.Channels;
using RxStreams.Redis;
using RxStreams.Tests.Models;
using Xunit.Abstractions;

namespace RxStreams.Tests.Redis;

/// <summary>
/// The model contract (<see cref="ModelContractTests"/>) on Redis: each node a RedisBackplane of its own, as separate
/// processes would have; on a single Redis and on a Redis Cluster (the two classes at the end).
/// </summary>
public abstract class RedisModelTests(RedisFixture fixture, ITestOutputHelper output) : ModelContractTests
{
    private readonly List<RedisNode> _nodes = [];
    private RedisTarget _redis = null!;
    private string _prefix = "";

    protected abstract bool OnCluster { get; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _redis = await fixture.TargetAsync(OnCluster);
        _prefix = _redis.NewPrefix();
    }

    public override async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    protected override Task<StreamHub[]> NodesAsync(int count)
    {
        var hubs = new StreamHub[count];
        for (var i = 0; i < count; i++)
        {
            var node = RedisNode.Start(_redis.ConnectionString, _prefix, output);
            _nodes.Add(node);
            hubs[i] = node.Hub;
        }
        return Task.FromResult(hubs);
    }

    [Fact]
    public async Task The_state_and_its_changes_share_one_slot()
    {
        var hubs = await NodesAsync(1);
        await hubs[0].Model("team:board", new RxStreams.Models.StreamModelOptions<Board> { Initial = Board.Empty }).UpdateAsync(b => b with { Topic = "t" });
        var keys = await _redis.KeysAsync(_prefix + ":*");
        Assert.Contains(_prefix + ":{rx.model:team:board}:model", keys);
        Assert.Contains(_prefix + ":{rx.model:team:board}:stream", keys);
        Assert.Single(keys.Select(k => _redis.Slot(k)).Distinct());
    }
}

[Collection(RedisCollection.Name)]
public sealed class SingleRedisModelTests(RedisFixture fixture, ITestOutputHelper output) : RedisModelTests(fixture, output)
{
    protected override bool OnCluster => false;
}

[Collection(RedisCollection.Name)]
public sealed class ClusterRedisModelTests(RedisFixture fixture, ITestOutputHelper output) : RedisModelTests(fixture, output)
{
    protected override bool OnCluster => true;
}
