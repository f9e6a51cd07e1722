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
    public async Task Items_are_processed_exactly_once_by_consumers_on_two_nodes()
    {
        const int total = 10_000;
        var prefix = redis.NewPrefix();
        await using var a = Node(prefix);
        await using var b = Node(prefix);
        var processed = new ConcurrentDictionary<long, int>();
        var byConsumer = new ConcurrentDictionary<string, int>();
        var acked = 0;
        IDisposable Consume(RedisNode node, string name) => node.Hub.Queue<long>("jobs").Consume("workers", name).Subscribe(item => _ = AckAsync(item, name));
        async Task AckAsync(WorkItem<long> item, string name)
        {
            if (await item.AckAsync())
            {
                processed.AddOrUpdate(item.Value, 1, (_, n) => n + 1);
                byConsumer.AddOrUpdate(name, 1, (_, n) => n + 1);
                Interlocked.Increment(ref acked);
            }
        }
        using var ca = Consume(a, "a");
        using var cb = Consume(b, "b");

        var sw = Stopwatch.StartNew();
        await EnqueueAsync(a, "jobs", total);
        await Wait.UntilAsync(() => Volatile.Read(ref acked) >= total, "every item is acknowledged", TimeSpan.FromSeconds(120));
        output.WriteLine($"{total} items enqueued and processed across two nodes in {sw.Elapsed.TotalSeconds:0.0} s; per consumer: {string.Join(", ", byConsumer.Select(kv => $"{kv.Key}={kv.Value}"))}");
        Assert.Equal(total, processed.Count);
        Assert.All(processed.Values, n => Assert.Equal(1, n));
        Assert.Equal(total, Volatile.Read(ref acked));
        Assert.True(byConsumer.GetValueOrDefault("a") > 0 && byConsumer.GetValueOrDefault("b") > 0, "both nodes took part");
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
    public async Task Disposing_a_consumer_releases_its_items_at_once()
    {
        var prefix = redis.NewPrefix();
        await using var a = Node(prefix);
        await using var b = Node(prefix);
        var longTimeout = new WorkQueueOptions { Prefetch = 5, AckTimeout = TimeSpan.FromMinutes(10) };
        var held = new ConcurrentDictionary<StreamOffset, long>();
        var ca = a.Hub.Queue<long>("jobs").Consume("workers", "a", longTimeout).Subscribe(item => held[item.Id] = item.Value);
        await EnqueueAsync(a, "jobs", 5, parallel: 1);
        await Wait.UntilAsync(() => held.Count == 5, "consumer a holds all five");

        var got = new ConcurrentDictionary<StreamOffset, int>();
        using var cb = b.Hub.Queue<long>("jobs").Consume("workers", "b", longTimeout).Subscribe(item => got[item.Id] = item.DeliveryCount);
        var sw = Stopwatch.StartNew();
        ca.Dispose();
        await Wait.UntilAsync(() => got.Count == 5, "consumer b gets the released items long before the acknowledgement timeout");
        output.WriteLine($"released items claimed after {sw.Elapsed.TotalMilliseconds:0} ms");
        Assert.All(got.Values, n => Assert.Equal(2, n));
        Assert.Equal(held.Keys.Order(), got.Keys.Order());

        foreach (var id in held.Keys)
        {
            Assert.False(await a.Backplane.AckAsync("jobs", "workers", "a", id, default), "a released item is no longer a's");
            Assert.True(await b.Backplane.AckAsync("jobs", "workers", "b", id, default));
            Assert.False(await b.Backplane.AckAsync("jobs", "workers", "b", id, default), "acknowledged twice");
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

    [Fact]
    public async Task A_new_group_starts_at_the_oldest_item_and_acks_check_the_consumer()
    {
        var prefix = redis.NewPrefix();
        await using var a = Node(prefix, o => o.MaxQueueLength = 3);
        var ids = new List<StreamOffset>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await a.Hub.Queue<long>("q").EnqueueAsync(i));
        }
        var full = await Assert.ThrowsAsync<StreamException>(async () => await a.Hub.Queue<long>("q").EnqueueAsync(3));
        Assert.Equal(StreamErrorCodes.QueueFull, full.Code);

        var got = new Recorder<WorkItem<long>>();
        using var c = a.Hub.Queue<long>("q").Consume("late", "c1").Subscribe(got);
        await Wait.UntilAsync(() => got.Count == 3, "a group created after the items gets them all");
        Assert.Equal([0L, 1, 2], got.Items.Select(x => x.Value));
        Assert.All(got.Items, x => Assert.Equal(1, x.DeliveryCount));
        Assert.Equal(ids, got.Items.Select(x => x.Id));

        Assert.False(await a.Backplane.AckAsync("q", "late", "someone-else", ids[0], default));
        Assert.True(await got.Items[0].AckAsync());
        Assert.False(await got.Items[0].AckAsync());
        Assert.False(await a.Backplane.AckAsync("q", "no-such-group", "c1", ids[1], default));
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
