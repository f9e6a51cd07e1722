using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reactive.Linq;
using System.Text;
using RxStreams.Backplanes;
using RxStreams.Testing;
using Xunit.Abstractions;

namespace RxStreams.Tests.Backplanes;

/// <summary>Durable channels, as every backplane must keep them: append, read, info, replay, live reads, trimming.</summary>
public abstract class DurableChannelContract(BackplaneTarget target, ITestOutputHelper output) : BackplaneContract(target)
{
    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task Append_read_and_info_agree()
    {
        await using var node = Node(NewStore());
        var bp = node.Backplane;

        var empty = await bp.GetInfoAsync("c", default);
        Assert.Null(empty.First);
        Assert.Null(empty.Last);
        Assert.Equal(0, empty.Length);
        Assert.True(empty.CanResumeAfter(StreamOffset.Start));
        Assert.False(empty.CanResumeAfter(new StreamOffset(1, 0)), "an offset from before the channel's life is not recoverable");

        var offsets = new List<StreamOffset>();
        for (var i = 0; i < 5; i++)
        {
            offsets.Add(await bp.AppendAsync("c", Bytes($"\"v{i}\""), null, default));
        }
        Assert.Equal(offsets.Order(), offsets);
        Assert.Equal(5, offsets.Distinct().Count());

        var page = await bp.ReadAsync("c", offsets[1], 2, default);
        Assert.Equal([offsets[2], offsets[3]], page.Entries.Select(e => e.Offset));
        Assert.Equal("\"v2\"", Encoding.UTF8.GetString(page.Entries[0].Payload.Span));
        Assert.Equal((long)offsets[2].Major, page.Entries[0].Timestamp.ToUnixTimeMilliseconds());
        // The life began at or before the first append (Redis: at it; in memory: when the channel was created).
        Assert.True(page.Info.Epoch <= offsets[0], $"epoch {page.Info.Epoch} after the first offset {offsets[0]}");
        Assert.True(page.Info.CanResumeAfter(offsets[0]));
        Assert.Equal(StreamOffset.Start, page.Info.TrimmedThrough);
        Assert.Equal(offsets[0], page.Info.First);
        Assert.Equal(offsets[4], page.Info.Last);
        Assert.Equal(5, page.Info.Length);

        var all = await bp.ReadAsync("c", StreamOffset.Start, 100, default);
        Assert.Equal(offsets, all.Entries.Select(e => e.Offset));
        Assert.Empty((await bp.ReadAsync("c", offsets[4], 100, default)).Entries);
    }

    [Fact]
    public async Task Publish_on_one_node_is_received_in_order_on_the_other()
    {
        var store = NewStore();
        await using var a = Node(store);
        await using var b = Node(store);
        var received = new Recorder<StreamItem<long>>();
        TaskCompletionSource? arrived = null;
        using var _ = b.Hub.Channel<long>("room").From(StreamOffset.Start).Subscribe(x =>
        {
            received.OnNext(x);
            Volatile.Read(ref arrived)?.TrySetResult();
        });

        await a.Hub.Channel<long>("room").PublishAsync(0);
        await Wait.UntilAsync(() => received.Count == 1, "the first item arrives on node B");

        var latencies = new List<double>();
        for (var i = 1; i <= 200; i++)
        {
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref arrived, signal);
            var sw = Stopwatch.StartNew();
            await a.Hub.Channel<long>("room").PublishAsync(i);
            await Wait.ForAsync(signal.Task, $"item {i} arrives on node B");
            latencies.Add(sw.Elapsed.TotalMilliseconds);
        }
        latencies.Sort();
        output.WriteLine($"cross-node publish→receive latency: median {latencies[latencies.Count / 2]:0.00} ms, p90 {latencies[latencies.Count * 9 / 10]:0.00} ms, max {latencies[^1]:0.00} ms");

        for (var i = 201; i <= 1000; i++)
        {
            a.Hub.Channel<long>("room").OnNext(i);
        }
        await Wait.UntilAsync(() => received.Count == 1001, "all 1001 items arrive on node B");
        Assert.Equal(Enumerable.Range(0, 1001).Select(i => (long)i), received.Items.Select(x => x.Value));
        Assert.Equal(received.Items.Select(x => x.Offset).Order(), received.Items.Select(x => x.Offset));
        Assert.Null(received.Error);
        Assert.False(received.Overlapped);
    }

    [Fact]
    public async Task Four_concurrent_publishers_and_a_subscriber_from_the_middle_on_another_node_get_every_later_item_once_in_order()
    {
        const int publishers = 4, perPublisher = 10_000;
        var store = NewStore();
        await using var a = Node(store);
        await using var b = Node(store);
        var options = new StreamChannelOptions { MaxLength = 100_000 };
        var channelA = a.Hub.Channel<long>("busy", options);
        var channelB = b.Hub.Channel<long>("busy", options);

        var acknowledged = new ConcurrentDictionary<long, StreamOffset>();
        var middle = new TaskCompletionSource<StreamOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        var count = 0;
        var sw = Stopwatch.StartNew();
        var publishing = Enumerable.Range(0, publishers).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < perPublisher; i++)
            {
                if (i % 64 == 0)
                {
                    // The four really interleave, even on a backplane that completes appends synchronously.
                    await Task.Yield();
                }
                var value = p * 1_000_000L + i;
                var offset = await channelA.PublishAsync(value);
                acknowledged[value] = offset;
                if (Interlocked.Increment(ref count) == publishers * perPublisher / 2)
                {
                    middle.SetResult(offset);
                }
            }
        })).ToArray();

        var from = await Wait.ForAsync(middle.Task, "half of the items are published");
        var received = new Recorder<StreamItem<long>>();
        using var subscription = channelB.From(from).Subscribe(received);
        await Wait.ForAsync(Task.WhenAll(publishing), "every publisher finishes", TimeSpan.FromSeconds(120));
        output.WriteLine($"{publishers * perPublisher} appends from {publishers} concurrent publishers in {sw.Elapsed.TotalSeconds:0.0} s");

        var expected = acknowledged.Where(kv => kv.Value > from).OrderBy(kv => kv.Value).Select(kv => kv.Key).ToList();
        // The item that made half acknowledged gave the middle; up to one append per other publisher was in flight
        // then with an earlier offset, so a few fewer than half may come after it.
        Assert.True(expected.Count >= (publishers * perPublisher / 2) - publishers, $"{expected.Count} items after the middle");
        await Wait.UntilAsync(() => received.Count >= expected.Count || received.Error is not null, $"node B receives the {expected.Count} items after {from}", TimeSpan.FromSeconds(60));
        Assert.Null(received.Error);
        var items = received.Items;
        Assert.Equal(expected, items.Select(x => x.Value));
        Assert.Equal(items.Count, items.Select(x => x.Offset).Distinct().Count());
        foreach (var perPublisherItems in items.GroupBy(x => x.Value / 1_000_000))
        {
            var values = perPublisherItems.Select(x => x.Value).ToList();
            Assert.Equal(values.Order(), values);
        }
        Assert.False(received.Overlapped);
    }

    [Fact]
    public async Task From_an_offset_that_was_trimmed_is_not_recovered_and_names_the_first_offset()
    {
        var store = NewStore();
        await using var a = Node(store);
        await using var b = Node(store);
        var options = new StreamChannelOptions { MaxLength = 10 };
        var offsets = new List<StreamOffset>();
        for (var i = 0; i < 30; i++)
        {
            offsets.Add(await a.Hub.Channel<long>("short", options).PublishAsync(i));
        }

        var info = await b.Backplane.GetInfoAsync("short", default);
        Assert.Equal(10, info.Length);
        Assert.Equal(offsets[20], info.First);
        Assert.Equal(offsets[19], info.TrimmedThrough);
        Assert.Equal(offsets[29], info.Last);
        Assert.True(info.Epoch <= offsets[0], $"epoch {info.Epoch} after the first offset {offsets[0]}");
        Assert.True(info.CanResumeAfter(offsets[19]));
        Assert.False(info.CanResumeAfter(offsets[18]));

        var lost = new Recorder<StreamItem<long>>();
        using (b.Hub.Channel<long>("short", options).From(offsets[5]).Subscribe(lost))
        {
            await Wait.UntilAsync(() => lost.Error is not null, "the subscription from a trimmed offset fails");
        }
        var error = Assert.IsType<StreamNotRecoveredException>(lost.Error);
        Assert.Equal(offsets[20], error.Offset);
        Assert.Equal(offsets[5], error.Requested);
        Assert.Equal(StreamErrorCodes.NotRecovered, error.Code);
        Assert.Empty(lost.Items);

        // The last trimmed offset itself is exactly recoverable: nothing after it is gone.
        var boundary = new Recorder<StreamItem<long>>();
        using (b.Hub.Channel<long>("short", options).From(offsets[19]).Subscribe(boundary))
        {
            await Wait.UntilAsync(() => boundary.Count == 10, "the ten items after the last trimmed one arrive");
        }
        Assert.Null(boundary.Error);
        Assert.Equal(Enumerable.Range(20, 10).Select(i => (long)i), boundary.Items.Select(x => x.Value));

        // From the start means "what you have": never an error.
        var all = await b.Hub.Channel<long>("short", options).From(StreamOffset.Start).Take(10).ToList();
        Assert.Equal(offsets.Skip(20), all.Select(x => x.Offset));
    }

    [Fact]
    public async Task From_the_start_replays_the_history_then_goes_live()
    {
        var store = NewStore();
        await using var a = Node(store);
        await using var b = Node(store);
        for (var i = 0; i < 5; i++)
        {
            await a.Hub.Channel<long>("replay").PublishAsync(i);
        }
        var received = new Recorder<StreamItem<long>>();
        using var _ = b.Hub.Channel<long>("replay").From(StreamOffset.Start).Subscribe(received);
        await Wait.UntilAsync(() => received.Count == 5, "the history arrives");
        await a.Hub.Channel<long>("replay").PublishAsync(5);
        await Wait.UntilAsync(() => received.Count == 6, "the live item arrives");
        Assert.Equal(Enumerable.Range(0, 6).Select(i => (long)i), received.Items.Select(x => x.Value));
    }

    [Fact]
    public async Task A_live_subscription_gets_only_items_published_after_it()
    {
        var store = NewStore();
        await using var a = Node(store);
        await using var b = Node(store);
        var before = await a.Hub.Channel<long>("live").PublishAsync(-1);
        var received = new Recorder<StreamItem<long>>();
        using (b.Hub.Channel<long>("live").Subscribe(received))
        {
            // How soon a live read starts is the backplane's business: publish until one arrives.
            var next = 0L;
            await Wait.UntilAsync(async () =>
            {
                await a.Hub.Channel<long>("live").PublishAsync(next++);
                return received.Count > 0;
            }, "the live subscription hears a new item");
        }
        var items = received.Items;
        Assert.DoesNotContain(items, x => x.Value == -1);
        Assert.All(items, x => Assert.True(x.Offset > before));
        Assert.Equal(items.Select(x => x.Value).Order(), items.Select(x => x.Value));
    }

    [Fact]
    public async Task A_live_subscription_from_an_offset_delivers_the_rest_then_new_items()
    {
        var store = NewStore();
        await using var a = Node(store);
        await using var b = Node(store);
        var offsets = new List<StreamOffset>();
        for (var i = 0; i < 10; i++)
        {
            offsets.Add(await a.Backplane.AppendAsync("c", Bytes($"{i}"), null, default));
        }
        var early = new Recorder<BackplaneEntry>();
        var late = new Recorder<BackplaneEntry>();
        using var s1 = b.Backplane.SubscribeLive("c", offsets[7]).Subscribe(early);
        await Wait.UntilAsync(() => early.Count == 2, "the two items after the offset arrive");
        // A second subscriber of the same channel from further back.
        using var s2 = b.Backplane.SubscribeLive("c", offsets[2]).Subscribe(late);
        await Wait.UntilAsync(() => late.Count == 7, "the second subscriber gets its seven");
        for (var i = 10; i < 15; i++)
        {
            offsets.Add(await a.Backplane.AppendAsync("c", Bytes($"{i}"), null, default));
        }
        await Wait.UntilAsync(() => early.Count == 7 && late.Count == 12, "both get the new items");
        Assert.Equal(offsets[8..], early.Items.Select(e => e.Offset));
        Assert.Equal(offsets[3..], late.Items.Select(e => e.Offset));
        Assert.Equal(Enumerable.Range(8, 7).Select(i => $"{i}"), early.Items.Select(e => Encoding.UTF8.GetString(e.Payload.Span)));
    }

    [Fact]
    public async Task A_throwing_observer_is_detached_and_the_others_go_on()
    {
        var store = NewStore();
        await using var a = Node(store);
        await using var b = Node(store);
        var good = new Recorder<BackplaneEntry>();
        var calls = 0;
        var bad = System.Reactive.Observer.Create<BackplaneEntry>(_ =>
        {
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("boom");
        });
        using var s1 = b.Backplane.SubscribeLive("t", StreamOffset.Start).Subscribe(bad);
        using var s2 = b.Backplane.SubscribeLive("t", StreamOffset.Start).Subscribe(good);
        var goodEphemeral = new Recorder<BackplaneEntry>();
        var badEphemeralCalls = 0;
        using var e1 = b.Backplane.Subscribe("t").Subscribe(_ =>
        {
            Interlocked.Increment(ref badEphemeralCalls);
            throw new InvalidOperationException("boom");
        });
        using var e2 = b.Backplane.Subscribe("t").Subscribe(goodEphemeral);
        var hubGood = new Recorder<StreamItem<long>>();
        using var h1 = b.Hub.Channel<long>("t2").Subscribe(_ => throw new InvalidOperationException("boom"));
        using var h2 = b.Hub.Channel<long>("t2").From(StreamOffset.Start).Subscribe(hubGood);

        for (var i = 0; i < 20; i++)
        {
            await a.Backplane.AppendAsync("t", Bytes("1"), null, default);
            await a.Hub.Channel<long>("t2").PublishAsync(i);
        }
        await Wait.UntilAsync(() => good.Count == 20 && hubGood.Count == 20, "the well-behaved subscribers get everything");
        await Wait.UntilAsync(async () =>
        {
            await a.Backplane.PublishAsync("t", Bytes("1"), default);
            return goodEphemeral.Count >= 5;
        }, "the well-behaved ephemeral subscriber keeps receiving");
        Assert.Equal(1, calls);
        Assert.Equal(1, badEphemeralCalls);
        Assert.Null(good.Error);
        Assert.Null(hubGood.Error);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), hubGood.Items.Select(x => x.Value));
    }

    [Fact]
    public async Task A_subscriber_that_throws_during_catch_up_does_not_stop_others()
    {
        var store = NewStore();
        await using var a = Node(store);
        await using var b = Node(store);
        for (var i = 0; i < 10; i++)
        {
            await a.Hub.Channel<long>("throwing-history").PublishAsync(i);
        }
        using var bad = b.Hub.Channel<long>("throwing-history").From(StreamOffset.Start).Subscribe(_ => throw new InvalidOperationException("boom"));
        var good = new Recorder<StreamItem<long>>();
        using var ok = b.Hub.Channel<long>("throwing-history").From(StreamOffset.Start).Subscribe(good);
        await Wait.UntilAsync(() => good.Count == 10, "the good subscriber gets the history");
        await a.Hub.Channel<long>("throwing-history").PublishAsync(10);
        await Wait.UntilAsync(() => good.Count == 11, "the good subscriber gets the live item");
        Assert.Equal(Enumerable.Range(0, 11).Select(i => (long)i), good.Items.Select(x => x.Value));
    }
}
