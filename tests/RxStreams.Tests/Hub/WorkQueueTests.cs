using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using RxStreams.Testing;

namespace RxStreams.Tests.Hub;

public sealed class WorkQueueTests
{
    [Fact]
    public async Task Three_consumers_process_each_of_ten_thousand_items_exactly_once_and_a_dead_consumers_items_are_redelivered()
    {
        const int Items = 10_000;
        var hub = Hubs.InMemory();
        var queue = hub.Queue<TestMessage>("jobs");
        var processed = new ConcurrentDictionary<int, int>();
        var acked = 0;

        // A consumer that takes items and dies without acknowledging them.
        var taken = new ConcurrentQueue<WorkItem<TestMessage>>();
        var dead = queue.Consume("workers", "dead", new WorkQueueOptions { Prefetch = 50 }).Subscribe(taken.Enqueue);

        for (var i = 0; i < Items; i++)
        {
            await queue.EnqueueAsync(new TestMessage(0, i));
        }
        await Wait.UntilAsync(() => taken.Count == 50, "the doomed consumer took its prefetch");

        var consumers = Enumerable.Range(0, 3).Select(c => queue.Consume("workers", $"worker-{c}").Subscribe(item =>
        {
            processed.AddOrUpdate(item.Value.Sequence, 1, (_, n) => n + 1);
            _ = Ack(item);
        })).ToList();

        async Task Ack(WorkItem<TestMessage> item)
        {
            if (await item.AckAsync())
            {
                Interlocked.Increment(ref acked);
            }
        }

        await Wait.UntilAsync(() => processed.Count >= Items - 50, "the live consumers processed everything else");
        Assert.True(processed.Values.All(n => n == 1));
        dead.Dispose(); // the consumer goes away: its 50 pending items go to the others

        await Wait.UntilAsync(() => Volatile.Read(ref acked) == Items, $"every item was acknowledged once (have {acked})");
        Assert.Equal(Items, processed.Count);
        Assert.True(processed.Values.All(n => n == 1), "no item was processed twice");
        Assert.All(taken, t => Assert.True(processed.ContainsKey(t.Value.Sequence)));
        // The dead consumer's acknowledgements come too late: the items are no longer its own.
        Assert.False(await taken.First().AckAsync());
        consumers.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task An_item_not_acknowledged_within_the_timeout_goes_to_another_consumer_in_virtual_time()
    {
        var scheduler = new HistoricalScheduler(DateTimeOffset.UnixEpoch.AddYears(55));
        var hub = Hubs.InMemory(scheduler: scheduler);
        var queue = hub.Queue<TestMessage>("slow");
        var options = new WorkQueueOptions { Prefetch = 1, AckTimeout = TimeSpan.FromSeconds(30) };
        var slow = new ConcurrentQueue<WorkItem<TestMessage>>();
        var fast = new ConcurrentQueue<WorkItem<TestMessage>>();

        using var a = queue.Consume("g", "slow", options).Subscribe(slow.Enqueue);
        await queue.EnqueueAsync(new TestMessage(0, 1));
        Assert.Single(slow);
        using var b = queue.Consume("g", "fast", options).Subscribe(fast.Enqueue);
        Assert.Empty(fast);

        scheduler.AdvanceBy(TimeSpan.FromSeconds(29));
        Assert.Empty(fast);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(2));
        var redelivered = Assert.Single(fast);
        Assert.Equal(1, redelivered.Value.Sequence);
        Assert.Equal(2, redelivered.DeliveryCount);

        Assert.False(await slow.Single().AckAsync());
        Assert.True(await redelivered.AckAsync());
        scheduler.AdvanceBy(TimeSpan.FromMinutes(5));
        Assert.Single(fast);
    }

    [Fact]
    public async Task Prefetch_bounds_the_items_pending_for_a_consumer()
    {
        var hub = Hubs.InMemory();
        var queue = hub.Queue<TestMessage>("bounded");
        for (var i = 0; i < 10; i++)
        {
            await queue.EnqueueAsync(new TestMessage(0, i));
        }
        var got = new ConcurrentQueue<WorkItem<TestMessage>>();
        using var _ = queue.Consume("g", "c", new WorkQueueOptions { Prefetch = 3 }).Subscribe(got.Enqueue);
        Assert.Equal([0, 1, 2], got.Select(w => w.Value.Sequence));
        Assert.True(await got.First().AckAsync());
        Assert.Equal([0, 1, 2, 3], got.Select(w => w.Value.Sequence));
    }

    [Fact]
    public async Task Each_group_gets_every_item()
    {
        var hub = Hubs.InMemory();
        var queue = hub.Queue<TestMessage>("fanout");
        var a = new ConcurrentQueue<int>();
        var b = new ConcurrentQueue<int>();
        using var x = queue.Consume("audit", "a").Subscribe(w => { a.Enqueue(w.Value.Sequence); _ = w.AckAsync(); });
        using var y = queue.Consume("billing", "b").Subscribe(w => { b.Enqueue(w.Value.Sequence); _ = w.AckAsync(); });
        for (var i = 0; i < 100; i++)
        {
            await queue.EnqueueAsync(new TestMessage(0, i));
        }
        await Wait.UntilAsync(() => a.Count == 100 && b.Count == 100, "both groups got all items");
        Assert.Equal(Enumerable.Range(0, 100), a);
        Assert.Equal(Enumerable.Range(0, 100), b);
    }
}
