using System.Collections.Concurrent;
using System.Diagnostics;
using RxStreams.Redis;
using RxStreams.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace RxStreams.Tests.Redis;

/// <summary>Work queues across nodes; run on a single Redis and on a Redis Cluster (the two classes at the end).</summary>
public abstract class RedisWorkQueueTests(RedisFixture fixture, ITestOutputHelper output) : RedisTestBase(fixture)
{
    private RedisNode Node(string prefix, Action<RedisBackplaneOptions>? configure = null) => RedisNode.Start(redis.ConnectionString, prefix, output, configure);

    private static async Task EnqueueAsync(RedisNode node, string queue, int count, int parallel = 4)
    {
        var q = node.Hub.Queue<long>(queue);
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(p => Task.Run(async () =>
        {
            for (var i = p; i < count; i += parallel)
            {
                await q.EnqueueAsync(i);
            }
        })));
    }

    [Fact]
    public async Task A_dead_nodes_pending_items_are_claimed_and_processed_by_the_other_node()
    {
        const int total = 300;
        var prefix = redis.NewPrefix();
        var a = Node(prefix);
        await using var b = Node(prefix, o => o.ClaimInterval = TimeSpan.FromMilliseconds(200));
        var options = new WorkQueueOptions { Prefetch = 16, AckTimeout = TimeSpan.FromSeconds(2) };
        await EnqueueAsync(b, "jobs", total);
        var heldByA = new ConcurrentDictionary<long, int>();
        using var ca = a.Hub.Queue<long>("jobs").Consume("workers", "a", options).Subscribe(item => heldByA[item.Value] = item.DeliveryCount);
        await Wait.UntilAsync(() => heldByA.Count == options.Prefetch, "node A holds a full prefetch without acknowledging");

        var processedByB = new ConcurrentDictionary<long, int>();
        var acked = 0;
        using var cb = b.Hub.Queue<long>("jobs").Consume("workers", "b", options).Subscribe(item => _ = AckAsync(item));
        async Task AckAsync(WorkItem<long> item)
        {
            if (await item.AckAsync())
            {
                processedByB.AddOrUpdate(item.Value, item.DeliveryCount, (_, _) => -1);
                Interlocked.Increment(ref acked);
            }
        }
        await Wait.UntilAsync(() => Volatile.Read(ref acked) >= total / 2, "node B is processing");
        var sw = Stopwatch.StartNew();
        await a.Backplane.SimulateCrashAsync();

        await Wait.UntilAsync(() => Volatile.Read(ref acked) == total, "node B processes every item, node A's included");
        output.WriteLine($"node A's {heldByA.Count} items were processed by node B {sw.Elapsed.TotalSeconds:0.0} s after the crash (ack timeout {options.AckTimeout.TotalSeconds} s)");
        Assert.Equal(total, processedByB.Count);
        Assert.DoesNotContain(-1, processedByB.Values);
        foreach (var value in heldByA.Keys)
        {
            Assert.True(processedByB[value] >= 2, $"item {value} was a redelivery (delivery count {processedByB[value]})");
        }
    }

    [Fact]
    public async Task Claimed_items_get_their_delivery_count_when_an_item_the_consumer_holds_lies_between_them()
    {
        var prefix = redis.NewPrefix();
        var key = new RedisKeys(prefix).Queue("jobs");
        // Three items, all read by a consumer d that died; only the second has been idle for ages.
        var ids = (RedisResult[])(await redis.Db.ScriptEvaluateAsync("""
            redis.call('XGROUP', 'CREATE', KEYS[1], 'g', '0', 'MKSTREAM')
            local a = redis.call('XADD', KEYS[1], '*', 'p', '1')
            local b = redis.call('XADD', KEYS[1], '*', 'p', '2')
            local c = redis.call('XADD', KEYS[1], '*', 'p', '3')
            redis.call('XREADGROUP', 'GROUP', 'g', 'd', 'COUNT', 3, 'STREAMS', KEYS[1], '>')
            redis.call('XCLAIM', KEYS[1], 'g', 'd', 0, b, 'IDLE', '1000000000000')
            return { a, b, c }
            """, [key]))!;
        var (first, second, third) = (StreamOffset.Parse((string)ids[0]!), StreamOffset.Parse((string)ids[1]!), StreamOffset.Parse((string)ids[2]!));

        await using var node = Node(prefix, o => o.ClaimInterval = TimeSpan.FromMilliseconds(200));
        var got = new ConcurrentDictionary<StreamOffset, int>();
        var options = new WorkQueueOptions { Prefetch = 16, AckTimeout = TimeSpan.FromMinutes(1) };
        using var consumer = node.Backplane.Consume("jobs", "g", "c", options).Subscribe(item => got[item.Id] = item.DeliveryCount);
        await Wait.UntilAsync(() => got.ContainsKey(second), "consumer c claims the second item");

        // Now the first and the third have been idle for ages too; the second, pending for c, has not.
        await redis.Db.ScriptEvaluateAsync("redis.call('XCLAIM', KEYS[1], 'g', 'd', 0, ARGV[1], ARGV[2], 'IDLE', '1000000000000')",
            [key], [first.ToString(), third.ToString()]);
        await Wait.UntilAsync(() => got.Count == 3, "consumer c claims the first and the third item");
        // Read by d, claimed back to d, claimed by c: the third's count is read past the second, in the range too.
        Assert.Equal(3, got[first]);
        Assert.Equal(3, got[third]);
        Assert.Equal(3, got[second]);
    }

    [Fact]
    public async Task A_consumer_with_the_largest_prefetch_still_gets_the_delivery_count_of_an_item_it_claims()
    {
        var prefix = redis.NewPrefix();
        var key = new RedisKeys(prefix).Queue("jobs");
        // One item read by a consumer d that died, idle for ages.
        var id = StreamOffset.Parse((string)(await redis.Db.ScriptEvaluateAsync("""
            redis.call('XGROUP', 'CREATE', KEYS[1], 'g', '0', 'MKSTREAM')
            local a = redis.call('XADD', KEYS[1], '*', 'p', '1')
            redis.call('XREADGROUP', 'GROUP', 'g', 'd', 'COUNT', 1, 'STREAMS', KEYS[1], '>')
            redis.call('XCLAIM', KEYS[1], 'g', 'd', 0, a, 'IDLE', '1000000000000')
            return a
            """, [key]))!);

        // The counts are asked for with room for a prefetch more than was claimed: that sum must not overflow into a
        // negative COUNT, which XPENDING answers with nothing (every count would read as 1).
        await using var node = Node(prefix, o => o.ClaimInterval = TimeSpan.FromMilliseconds(200));
        var got = new ConcurrentDictionary<StreamOffset, int>();
        var options = new WorkQueueOptions { Prefetch = int.MaxValue, AckTimeout = TimeSpan.FromMinutes(1) };
        using var consumer = node.Backplane.Consume("jobs", "g", "c", options).Subscribe(item => got[item.Id] = item.DeliveryCount);
        await Wait.UntilAsync(() => got.ContainsKey(id), "consumer c claims the item");
        // Read by d, claimed back to d, claimed by c.
        Assert.Equal(3, got[id]);
    }

}

[Collection(RedisCollection.Name)]
public sealed class SingleRedisWorkQueueTests(RedisFixture fixture, ITestOutputHelper output) : RedisWorkQueueTests(fixture, output)
{
    protected override bool OnCluster => false;
}

[Collection(RedisCollection.Name)]
public sealed class ClusterRedisWorkQueueTests(RedisFixture fixture, ITestOutputHelper output) : RedisWorkQueueTests(fixture, output)
{
    protected override bool OnCluster => true;
}
