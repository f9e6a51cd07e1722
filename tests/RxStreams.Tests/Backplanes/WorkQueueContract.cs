using System.Collections.Concurrent;
using System.Diagnostics;
using RxStreams.Testing;
using Xunit.Abstractions;

namespace RxStreams.Tests.Backplanes;

/// <summary>Work queues, as every backplane must share them between consumers on any node.</summary>
public abstract class WorkQueueContract(BackplaneTarget target, ITestOutputHelper output) : BackplaneContract(target)
{
    private static async Task EnqueueAsync(ContractNode node, string queue, int count, int parallel = 4)
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
        var store = NewStore();
        await using var a = Node(store);
        await using var b = Node(store);
        var processed = new ConcurrentDictionary<long, int>();
        var byConsumer = new ConcurrentDictionary<string, int>();
        var acked = 0;
        IDisposable Consume(ContractNode node, string name) => node.Hub.Queue<long>("jobs").Consume("workers", name).Subscribe(item => _ = AckAsync(item, name));
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
    public async Task Disposing_a_consumer_releases_its_items_at_once()
    {
        var store = NewStore();
        await using var a = Node(store);
        await using var b = Node(store);
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
    public async Task A_new_group_starts_at_the_oldest_item_and_acks_check_the_consumer()
    {
        await using var a = Node(NewStore(), new StoreLimits(MaxQueueLength: 3));
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

    [Fact]
    public async Task Prefetch_bounds_the_items_pending_for_a_consumer()
    {
        var store = NewStore();
        await using var a = Node(store);
        await using var b = Node(store);
        await EnqueueAsync(a, "bounded", 10, parallel: 1);
        var bounded = new Recorder<WorkItem<long>>();
        using var c = a.Hub.Queue<long>("bounded").Consume("g", "c", new WorkQueueOptions { Prefetch = 3 }).Subscribe(bounded);
        await Wait.UntilAsync(() => bounded.Count == 3, "the bounded consumer takes three");

        // What it may not hold goes to another consumer of the group: the other seven, and none of the three.
        var other = new Recorder<WorkItem<long>>();
        using var d = b.Hub.Queue<long>("bounded").Consume("g", "d", new WorkQueueOptions { Prefetch = 7 }).Subscribe(other);
        await Wait.UntilAsync(() => other.Count == 7, "the other consumer gets the other seven");
        Assert.Equal(3, bounded.Count);
        Assert.Equal([0L, 1, 2], bounded.Items.Select(x => x.Value));
        Assert.Equal(Enumerable.Range(3, 7).Select(i => (long)i), other.Items.Select(x => x.Value).Order());

        // Both are full now. An acknowledgement frees a place: the next item goes to the bounded consumer.
        Assert.True(await bounded.Items[0].AckAsync());
        await a.Hub.Queue<long>("bounded").EnqueueAsync(10);
        await Wait.UntilAsync(() => bounded.Count + other.Count == 11, "the new item is delivered");
        Assert.Equal(7, other.Count);
        Assert.Equal(10, bounded.Items[^1].Value);
    }

    [Fact]
    public async Task Each_group_gets_every_item()
    {
        var store = NewStore();
        await using var a = Node(store);
        await using var b = Node(store);
        var audit = new Recorder<long>();
        var billing = new Recorder<long>();
        using var x = a.Hub.Queue<long>("fanout").Consume("audit", "a").Subscribe(w => { audit.OnNext(w.Value); _ = w.AckAsync(); });
        using var y = b.Hub.Queue<long>("fanout").Consume("billing", "b").Subscribe(w => { billing.OnNext(w.Value); _ = w.AckAsync(); });
        for (var i = 0; i < 100; i++)
        {
            await a.Hub.Queue<long>("fanout").EnqueueAsync(i);
        }
        await Wait.UntilAsync(() => audit.Count == 100 && billing.Count == 100, "both groups get every item");
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), audit.Items);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), billing.Items);
    }
}
