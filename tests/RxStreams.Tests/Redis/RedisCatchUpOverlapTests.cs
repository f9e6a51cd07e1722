using RxStreams.Channels;
using RxStreams.Testing;
using Xunit.Abstractions;

namespace RxStreams.Tests.Redis;

/// <summary>
/// A subscriber from an offset joins the live feed first and then reads history, so the items published meanwhile
/// reach it twice: from history and from the live feed. This test makes the overlap happen on purpose (rather than
/// hoping concurrent publishers produce it) and checks every item is delivered once, in order.
/// </summary>
public abstract class RedisCatchUpOverlapTests(RedisFixture fixture, ITestOutputHelper output) : RedisTestBase(fixture)
{
    private RedisNode Node(string prefix, int historyPageSize = 256)
        => RedisNode.Start(redis.ConnectionString, prefix, output, hub: o => o.HistoryPageSize = historyPageSize);

    [Fact]
    public async Task Items_the_live_feed_buffered_while_history_was_paged_are_delivered_once()
    {
        var prefix = redis.NewPrefix();
        await using var a = Node(prefix);
        await using var b = Node(prefix, historyPageSize: 4);
        var publisher = a.Hub.Channel<long>("overlap");
        var channel = b.Hub.Channel<long>("overlap");
        var offsets = new List<StreamOffset>();
        for (var i = 0; i < 10; i++)
        {
            offsets.Add(await publisher.PublishAsync(i));
        }

        // The catch-up's consumer grants no demand yet (as a connection with no credits left would): it joins the
        // live feed, reads the first page of history and waits there, without blocking a thread.
        var demand = new GatedDemand();
        var received = new Recorder<StreamItem<long>>();
        IDisposable catchUp;
        using (StreamDemand.Enter(demand))
        {
            catchUp = channel.From(StreamOffset.Start).Subscribe(received);
        }
        using var _ = catchUp;
        await Wait.ForAsync(demand.Waiting, "the catch-up waits for demand in the middle of history");

        // Ten more items. Node B's live subscriber, attached after the catch-up, gets each item after the catch-up's
        // own observer has (the shared feed calls its observers in order): once it has them all, they are in the
        // catch-up's live buffer, and the history pages still to read hold them too.
        var live = new Recorder<StreamItem<long>>();
        using var liveSubscription = channel.Subscribe(live);
        for (var i = 10; i < 20; i++)
        {
            offsets.Add(await publisher.PublishAsync(i));
        }
        await Wait.UntilAsync(() => live.Items.Any(x => x.Offset == offsets[^1]), "node B's live feed delivers item 19");
        Assert.Empty(received.Items);

        demand.Open();
        await Wait.UntilAsync(() => received.Count >= 20 || received.Error is not null, "the catch-up delivers history and its buffer");
        // A fence: once it arrives live, any duplicate from the buffer would have arrived before it.
        offsets.Add(await publisher.PublishAsync(20));
        await Wait.UntilAsync(() => received.Items.Any(x => x.Value == 20) || received.Error is not null, "the catch-up delivers item 20 live");

        Assert.Null(received.Error);
        Assert.Equal(Enumerable.Range(0, 21).Select(i => (long)i), received.Items.Select(x => x.Value));
        Assert.Equal(offsets, received.Items.Select(x => x.Offset));
        Assert.False(received.Overlapped);
    }

    /// <summary>Demand that is closed until <see cref="Open"/>: what a stream with no credits left gives its source.</summary>
    private sealed class GatedDemand : StreamDemand
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Waiting => _waiting.Task;

        public override bool HasDemand => _open.Task.IsCompleted;

        public void Open() => _open.TrySetResult();

        public override ValueTask WaitAsync(CancellationToken cancellationToken)
        {
            _waiting.TrySetResult();
            return new ValueTask(_open.Task.WaitAsync(cancellationToken));
        }
    }
}

[Collection(RedisCollection.Name)]
public sealed class SingleRedisCatchUpOverlapTests(RedisFixture fixture, ITestOutputHelper output) : RedisCatchUpOverlapTests(fixture, output)
{
    protected override bool OnCluster => false;
}

[Collection(RedisCollection.Name)]
public sealed class ClusterRedisCatchUpOverlapTests(RedisFixture fixture, ITestOutputHelper output) : RedisCatchUpOverlapTests(fixture, output)
{
    protected override bool OnCluster => true;
}
