using System.Collections.Concurrent;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using RxStreams.Backplanes.InMemory;
using RxStreams.Channels;
using RxStreams.Testing;

namespace RxStreams.Tests.Hub;

public sealed class DurableChannelTests
{
    [Fact]
    public async Task From_a_middle_offset_while_four_publishers_publish_gets_every_later_item_exactly_once_in_publisher_order()
    {
        const int Publishers = 4, PerPublisher = 10_000;
        var hub = Hubs.InMemory(maxChannelLength: 100_000);
        var channel = hub.Channel<TestMessage>("race");
        var offsets = new ConcurrentDictionary<(int, int), StreamOffset>();
        var middle = new TaskCompletionSource<StreamOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new ConcurrentQueue<StreamItem<TestMessage>>();
        var subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IDisposable? subscription = null;

        // Every publisher waits for the others a quarter of the way in and yields often, so the four really
        // interleave around the moment the subscriber starts.
        var quarter = new CountdownEvent(Publishers);
        var publishers = Enumerable.Range(0, Publishers).Select(p => Task.Run(async () =>
        {
            for (var s = 0; s < PerPublisher; s++)
            {
                if (s == PerPublisher / 4)
                {
                    quarter.Signal();
                    quarter.Wait();
                }
                if (s % 64 == 0)
                {
                    await Task.Yield();
                }
                offsets[(p, s)] = await channel.PublishAsync(new TestMessage(p, s));
                if (p == 0 && s == PerPublisher / 2)
                {
                    // Subscribe from here while all four publishers keep going.
                    var from = offsets[(p, s)];
                    subscription = channel.From(from).Subscribe(received.Enqueue);
                    middle.SetResult(from);
                    subscribed.SetResult();
                }
            }
        })).ToArray();

        await Wait.ForAsync(Task.WhenAll(publishers), "the publishers");
        var from = await middle.Task;
        var expected = offsets.Where(kv => kv.Value > from).ToDictionary(kv => kv.Value, kv => kv.Key);
        Assert.InRange(expected.Count, PerPublisher / 2 - 1, Publishers * PerPublisher);
        await Wait.UntilAsync(() => received.Count >= expected.Count, $"{expected.Count} items arrived (have {received.Count})");
        subscription!.Dispose();

        var items = received.ToArray();
        Assert.Equal(expected.Count, items.Length);
        Assert.Equal(items.Length, items.Select(i => i.Offset).Distinct().Count());
        foreach (var item in items)
        {
            Assert.True(expected.TryGetValue(item.Offset, out var key), $"unexpected item at {item.Offset}");
            Assert.Equal(key, (item.Value.Publisher, item.Value.Sequence));
        }
        // Offsets strictly increase, and so does each publisher's sequence.
        Assert.True(items.Zip(items.Skip(1)).All(pair => pair.First.Offset < pair.Second.Offset));
        foreach (var perPublisher in items.GroupBy(i => i.Value.Publisher))
        {
            var sequences = perPublisher.Select(i => i.Value.Sequence).ToArray();
            Assert.Equal(sequences.Order(), sequences);
        }
    }

    [Fact]
    public async Task From_start_replays_the_history_then_goes_live()
    {
        var hub = Hubs.InMemory();
        var channel = hub.Channel<TestMessage>("replay");
        for (var i = 0; i < 5; i++)
        {
            await channel.PublishAsync(new TestMessage(0, i));
        }
        var received = new ConcurrentQueue<int>();
        using var _ = channel.From(StreamOffset.Start).Subscribe(i => received.Enqueue(i.Value.Sequence));
        await Wait.UntilAsync(() => received.Count == 5, "the history arrived");
        await channel.PublishAsync(new TestMessage(0, 5));
        await Wait.UntilAsync(() => received.Count == 6, "the live item arrived");
        Assert.Equal(Enumerable.Range(0, 6), received);
    }

    [Fact]
    public async Task Live_subscription_gets_only_items_published_after_it()
    {
        var hub = Hubs.InMemory();
        var channel = hub.Channel<TestMessage>("live");
        await channel.PublishAsync(new TestMessage(0, 0));
        var received = new ConcurrentQueue<StreamItem<TestMessage>>();
        using (channel.Subscribe(received.Enqueue))
        {
            var offset = await channel.PublishAsync(new TestMessage(0, 1));
            await Wait.UntilAsync(() => !received.IsEmpty, "the live item arrived");
            Assert.Equal(offset, Assert.Single(received).Offset);
            Assert.Equal(1, received.Single().Value.Sequence);
        }
        await channel.PublishAsync(new TestMessage(0, 2));
        Assert.Single(received);
    }

    [Fact]
    public async Task An_offset_the_history_no_longer_holds_is_reported_as_not_recovered_with_the_first_offset_left()
    {
        var hub = Hubs.InMemory(maxChannelLength: 10);
        var channel = hub.Channel<TestMessage>("trimmed");
        var offsets = new List<StreamOffset>();
        for (var i = 0; i < 30; i++)
        {
            offsets.Add(await channel.PublishAsync(new TestMessage(0, i)));
        }

        var error = await Assert.ThrowsAsync<StreamNotRecoveredException>(() => channel.From(offsets[4]).FirstAsync().ToTask());
        Assert.Equal(StreamErrorCodes.NotRecovered, error.Code);
        Assert.Equal(offsets[4], error.Requested);
        Assert.Equal(offsets[20], error.Offset);

        // The last trimmed offset itself is still fine: nothing after it was lost.
        var first = await channel.From(offsets[19]).FirstAsync().ToTask();
        Assert.Equal(offsets[20], first.Offset);

        // From the start means "what you have": never an error.
        var all = await channel.From(StreamOffset.Start).Take(10).ToList().ToTask();
        Assert.Equal(offsets.Skip(20), all.Select(i => i.Offset));
    }

    [Fact]
    public async Task An_offset_from_an_earlier_life_of_the_channel_is_not_recovered()
    {
        var before = Hubs.InMemory().Channel<TestMessage>("restarted");
        var old = await before.PublishAsync(new TestMessage(0, 0));

        // A new process: a new backplane, the same channel name. Its history began after `old`.
        await Wait.UntilAsync(() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() > (long)old.Major, "the clock moved on");
        var after = Hubs.InMemory().Channel<TestMessage>("restarted");
        await after.PublishAsync(new TestMessage(0, 1));
        var info = await after.GetInfoAsync();
        Assert.True(info.Epoch > old);

        var error = await Assert.ThrowsAsync<StreamNotRecoveredException>(() => after.From(old).FirstAsync().ToTask());
        Assert.Equal(info.First, error.Offset);
    }

    [Fact]
    public async Task A_throwing_subscriber_is_detached_and_the_others_keep_receiving()
    {
        var hub = Hubs.InMemory();
        var channel = hub.Channel<TestMessage>("throwing");
        var good1 = new ConcurrentQueue<int>();
        var good2 = new ConcurrentQueue<int>();
        var badCalls = 0;
        using var a = channel.Subscribe(i => good1.Enqueue(i.Value.Sequence));
        using var b = channel.Subscribe(_ =>
        {
            Interlocked.Increment(ref badCalls);
            throw new InvalidOperationException("boom");
        });
        using var c = channel.From(StreamOffset.Start).Subscribe(i => good2.Enqueue(i.Value.Sequence));

        for (var i = 0; i < 100; i++)
        {
            await channel.PublishAsync(new TestMessage(0, i));
        }
        await Wait.UntilAsync(() => good1.Count == 100 && good2.Count == 100, "both good subscribers got everything");
        Assert.Equal(1, badCalls);
        Assert.Equal(Enumerable.Range(0, 100), good1);
        Assert.Equal(Enumerable.Range(0, 100), good2);
    }

    [Fact]
    public async Task A_subscriber_that_throws_during_catch_up_does_not_stop_others()
    {
        var hub = Hubs.InMemory();
        var channel = hub.Channel<TestMessage>("throwing-history");
        for (var i = 0; i < 10; i++)
        {
            await channel.PublishAsync(new TestMessage(0, i));
        }
        using var bad = channel.From(StreamOffset.Start).Subscribe(_ => throw new InvalidOperationException("boom"));
        var good = new ConcurrentQueue<int>();
        using var ok = channel.From(StreamOffset.Start).Subscribe(i => good.Enqueue(i.Value.Sequence));
        await channel.PublishAsync(new TestMessage(0, 10));
        await Wait.UntilAsync(() => good.Count == 11, "the good subscriber got history and live items");
        Assert.Equal(Enumerable.Range(0, 11), good);
    }

    [Fact]
    public async Task Connect_publishes_the_input_and_returns_the_stream()
    {
        var hub = Hubs.InMemory();
        var channel = hub.Channel<TestMessage>("connect");
        var inputA = new Subject<TestMessage>();
        var inputB = new Subject<TestMessage>();
        var seenByA = new ConcurrentQueue<TestMessage>();
        var seenByB = new ConcurrentQueue<TestMessage>();
        using var a = channel.Connect(inputA).Subscribe(i => seenByA.Enqueue(i.Value));
        using var b = channel.Connect(inputB, StreamOffset.Start).Subscribe(i => seenByB.Enqueue(i.Value));

        inputA.OnNext(new TestMessage(1, 0));
        inputB.OnNext(new TestMessage(2, 0));
        inputA.OnCompleted(); // the output goes on
        await channel.PublishAsync(new TestMessage(3, 0));

        await Wait.UntilAsync(() => seenByA.Count == 3 && seenByB.Count == 3, "both connections saw all three messages");
        Assert.Equal(seenByA, seenByB);
        Assert.Equal([1, 2, 3], seenByA.Select(m => m.Publisher));
    }

    [Fact]
    public async Task Connect_fails_the_stream_when_the_input_fails()
    {
        var hub = Hubs.InMemory();
        var channel = hub.Channel<TestMessage>("connect-error");
        var input = new Subject<TestMessage>();
        var failed = new TaskCompletionSource<Exception>();
        using var _ = channel.Connect(input).Subscribe(_ => { }, failed.SetResult);
        input.OnError(new StreamException("invalid_payload", "bad"));
        var error = await Wait.ForAsync(failed.Task, "the error");
        Assert.Equal("invalid_payload", Assert.IsType<StreamException>(error).Code);
    }

    [Fact]
    public void Channels_are_shared_by_name_and_type()
    {
        var hub = Hubs.InMemory();
        Assert.Same(hub.Channel<TestMessage>("x"), hub.Channel<TestMessage>("x"));
        Assert.NotSame(hub.Channel<TestMessage>("x"), hub.Channel<TestMessage>("y"));
        Assert.Throws<ArgumentException>(() => hub.Channel<TestMessage>(""));
        Assert.Throws<ArgumentException>(() => hub.Channel<TestMessage>(new string('x', 513)));
    }

    [Fact]
    public void A_type_without_a_serializer_gets_an_actionable_error()
    {
        var hub = Hubs.InMemory();
        var error = Assert.Throws<InvalidOperationException>(() => hub.Channel<Unserializable>("x"));
        Assert.Contains("[StreamMessage]", error.Message);
        Assert.Contains(nameof(Unserializable), error.Message);
    }

    [Fact]
    public async Task Channel_info_reports_the_bounds()
    {
        var hub = Hubs.InMemory(maxChannelLength: 3);
        var channel = hub.Channel<TestMessage>("info");
        var empty = await channel.GetInfoAsync();
        Assert.Null(empty.First);
        Assert.Null(empty.Last);
        Assert.Equal(0, empty.Length);
        var offsets = new List<StreamOffset>();
        for (var i = 0; i < 5; i++)
        {
            offsets.Add(await channel.PublishAsync(new TestMessage(0, i)));
        }
        var info = await channel.GetInfoAsync();
        Assert.Equal(offsets[2], info.First);
        Assert.Equal(offsets[4], info.Last);
        Assert.Equal(offsets[1], info.TrimmedThrough);
        Assert.Equal(3, info.Length);
        Assert.True(info.CanResumeAfter(offsets[1]));
        Assert.False(info.CanResumeAfter(offsets[0]));
        Assert.True(info.CanResumeAfter(StreamOffset.Start));
    }

    [Fact]
    public async Task A_publisher_calling_from_within_a_subscriber_keeps_order_and_does_not_deadlock()
    {
        var hub = Hubs.InMemory();
        var channel = hub.Channel<TestMessage>("reentrant");
        var seen = new ConcurrentQueue<int>();
        using var echo = channel.Subscribe(i =>
        {
            seen.Enqueue(i.Value.Sequence);
            if (i.Value.Sequence < 10)
            {
                channel.OnNext(new TestMessage(0, i.Value.Sequence + 1));
            }
        });
        channel.OnNext(new TestMessage(0, 0));
        await Wait.UntilAsync(() => seen.Count == 11, "the echo chain finished");
        Assert.Equal(Enumerable.Range(0, 11), seen);
    }

    private sealed record Unserializable(int X);
}
