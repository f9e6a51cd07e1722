using System.Collections.Concurrent;
using RxStreams.Backplanes.InMemory;
using RxStreams.Channels;
using RxStreams.Routing;
using RxStreams.Testing;

namespace RxStreams.Tests.Hub;

/// <summary>
/// What a catching-up subscriber holds while its consumer takes nothing: the live items buffered during the replay
/// stay within the consumer's budget (the host's connection limit), and once the consumer asks, every item comes,
/// in order, with no gap and no duplicate.
/// </summary>
public sealed class CatchUpBoundsTests
{
    [Fact]
    public async Task A_replay_whose_consumer_takes_nothing_holds_no_more_than_its_budget_and_loses_nothing()
    {
        const int Before = 10, During = 5_000;
        var hub = Hubs.InMemory(maxChannelLength: 100_000);
        var channel = hub.Channel<TestMessage>("bounded");
        for (var i = 0; i < Before; i++)
        {
            await channel.PublishAsync(new TestMessage(0, i));
        }
        var demand = new GatedDemand(budgetBytes: 2_000);
        var received = new ConcurrentQueue<StreamItem<TestMessage>>();
        IDisposable subscription;
        using (StreamDemand.Enter(demand))
        {
            subscription = channel.From(StreamOffset.Start).Subscribe(received.Enqueue);
        }
        for (var i = Before; i < Before + During; i++)
        {
            await channel.PublishAsync(new TestMessage(0, i));
        }

        // Nothing went out, and the live items kept meanwhile never passed the budget: it was refused, so the
        // buffer was dropped (its items are in the history) instead of growing with the channel.
        Assert.Empty(received);
        Assert.InRange(demand.PeakHeld, 1, 2_000);
        Assert.True(demand.Refusals > 0, "the budget was reached and the buffer dropped");

        demand.Open();
        await Wait.UntilAsync(() => received.Count >= Before + During, $"every item arrived (have {received.Count})");
        await channel.PublishAsync(new TestMessage(0, Before + During));
        await Wait.UntilAsync(() => received.Count == Before + During + 1, "the live tail follows the replay");
        subscription.Dispose();

        Assert.Equal(Enumerable.Range(0, Before + During + 1), received.Select(i => i.Value.Sequence));
        Assert.Equal(0, demand.Held);
    }

    [Fact]
    public async Task With_a_tiny_buffer_and_no_budget_an_overflowing_replay_reads_what_it_dropped_from_history()
    {
        var hub = Hubs.InMemory(maxChannelLength: 100_000, options: new StreamHubOptions { CatchUpBufferLength = 16, HistoryPageSize = 8 });
        var channel = hub.Channel<TestMessage>("bounded-count");
        await channel.PublishAsync(new TestMessage(0, 0));
        var demand = new GatedDemand(budgetBytes: null);
        var received = new ConcurrentQueue<StreamItem<TestMessage>>();
        IDisposable subscription;
        using (StreamDemand.Enter(demand))
        {
            subscription = channel.From(StreamOffset.Start).Subscribe(received.Enqueue);
        }
        for (var i = 1; i < 1_000; i++)
        {
            await channel.PublishAsync(new TestMessage(0, i));
        }
        demand.Open();
        await Wait.UntilAsync(() => received.Count >= 1_000, $"every item arrived (have {received.Count})");
        subscription.Dispose();
        Assert.Equal(Enumerable.Range(0, 1_000), received.Select(i => i.Value.Sequence));
    }

    [Fact]
    public async Task A_from_start_replay_that_waits_for_demand_reads_what_the_history_holds_then_and_is_never_not_recovered()
    {
        // Pages of 4: a replay that read its first page before waiting would find the next one trimmed away.
        var hub = Hubs.InMemory(maxChannelLength: 20, options: new StreamHubOptions { HistoryPageSize = 4 });
        var channel = hub.Channel<TestMessage>("trimmed");
        for (var i = 0; i < 10; i++)
        {
            await channel.PublishAsync(new TestMessage(0, i));
        }
        var demand = new GatedDemand(budgetBytes: 1_000_000);
        var received = new ConcurrentQueue<StreamItem<TestMessage>>();
        Exception? error = null;
        IDisposable subscription;
        using (StreamDemand.Enter(demand))
        {
            subscription = channel.From(StreamOffset.Start).Subscribe(received.Enqueue, e => error = e);
        }
        // While the consumer takes nothing, the channel moves well past its 20-item history.
        for (var i = 10; i < 100; i++)
        {
            await channel.PublishAsync(new TestMessage(0, i));
        }
        demand.Open();
        await Wait.UntilAsync(() => received.Count >= 20 || error is not null, $"the held history arrived (have {received.Count})");
        await channel.PublishAsync(new TestMessage(0, 100));
        await Wait.UntilAsync(() => received.LastOrDefault().Value?.Sequence == 100 || error is not null, "the live tail follows");
        subscription.Dispose();

        Assert.Null(error);
        var sequences = received.Select(i => i.Value.Sequence).ToArray();
        // From what the history held when the replay started (the last 20, give or take the buffered live items), to the end.
        Assert.Equal(Enumerable.Range(sequences[0], 101 - sequences[0]), sequences);
        Assert.InRange(sequences[0], 80, 81);
    }

    [Fact]
    public async Task Connect_ends_with_backplane_unavailable_instead_of_piling_up_publishes_the_backplane_does_not_confirm()
    {
        TestMessageSerializer.EnsureRegistered();
        var backplane = new GatedBackplane(new InMemoryBackplane());
        var appends = backplane.Appends;
        var hub = new StreamHub(backplane);
        var input = new System.Reactive.Subjects.Subject<TestMessage>();
        Exception? error = null;
        using var subscription = hub.Channel<TestMessage>("hung").Connect(input).Subscribe(_ => { }, e => error = e);
        var sent = 0;
        while (error is null && sent < 10 * DurableChannel<TestMessage>.MaxPublishesInFlight)
        {
            input.OnNext(new TestMessage(0, sent++));
        }
        var unavailable = Assert.IsType<StreamException>(error);
        Assert.Equal(StreamErrorCodes.BackplaneUnavailable, unavailable.Code);
        Assert.Equal(DurableChannel<TestMessage>.MaxPublishesInFlight + 1, sent);
        Assert.Equal(DurableChannel<TestMessage>.MaxPublishesInFlight, appends.Waiting);
        appends.Open();
        await Wait.UntilAsync(() => appends.Waiting == 0, "the waiting appends went through");
    }

    /// <summary>A consumer that takes nothing until <see cref="Open"/>, with a byte budget that records its peak.</summary>
    private sealed class GatedDemand(long? budgetBytes) : StreamDemand, IMemoryBudget
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _held;
        private long _peak;
        private int _refusals;

        public long Held => Interlocked.Read(ref _held);

        public long PeakHeld => Interlocked.Read(ref _peak);

        public int Refusals => Volatile.Read(ref _refusals);

        public void Open() => _open.TrySetResult();

        public override bool HasDemand => _open.Task.IsCompleted;

        public override IMemoryBudget? Budget => budgetBytes is null ? null : this;

        public override ValueTask WaitAsync(CancellationToken cancellationToken) => new(_open.Task.WaitAsync(cancellationToken));

        public bool TryHold(long bytes)
        {
            var held = Interlocked.Add(ref _held, bytes);
            if (held > budgetBytes)
            {
                Interlocked.Add(ref _held, -bytes);
                Interlocked.Increment(ref _refusals);
                return false;
            }
            long peak;
            while (held > (peak = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, held, peak) != peak)
            {
            }
            return true;
        }

        public void Release(long bytes) => Interlocked.Add(ref _held, -bytes);
    }
}
