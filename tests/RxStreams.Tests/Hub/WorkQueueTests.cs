using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using RxStreams.Testing;

namespace RxStreams.Tests.Hub;

public sealed class WorkQueueTests
{
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

}
