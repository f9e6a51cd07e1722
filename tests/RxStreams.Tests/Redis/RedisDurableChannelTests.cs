using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using RxStreams.Backplanes;
using RxStreams.Redis;
using RxStreams.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace RxStreams.Tests.Redis;

/// <summary>Durable channels across nodes; run on a single Redis and on a Redis Cluster (the two classes at the end).</summary>
public abstract class RedisDurableChannelTests(RedisFixture fixture, ITestOutputHelper output) : RedisTestBase(fixture)
{
    private RedisNode Node(string prefix, Action<RedisBackplaneOptions>? configure = null) => RedisNode.Start(redis.ConnectionString, prefix, output, configure);

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task Append_read_and_info_agree_with_the_contract()
    {
        var prefix = redis.NewPrefix();
        await using var node = Node(prefix);
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
        Assert.Equal(offsets[0], page.Info.Epoch);
        Assert.Equal(StreamOffset.Start, page.Info.TrimmedThrough);
        Assert.Equal(offsets[0], page.Info.First);
        Assert.Equal(offsets[4], page.Info.Last);
        Assert.Equal(5, page.Info.Length);

        var all = await bp.ReadAsync("c", StreamOffset.Start, 100, default);
        Assert.Equal(offsets, all.Entries.Select(e => e.Offset));
        Assert.Empty((await bp.ReadAsync("c", offsets[4], 100, default)).Entries);

        // Every key of the channel carries the channel name as a hash tag.
        var keys = await redis.KeysAsync(prefix + ":*");
        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.StartsWith(prefix + ":{c}:", k, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Publish_on_one_node_is_received_in_order_on_the_other()
    {
        var prefix = redis.NewPrefix();
        await using var a = Node(prefix);
        await using var b = Node(prefix);
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
        var prefix = redis.NewPrefix();
        await using var a = Node(prefix);
        await using var b = Node(prefix);
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
        var prefix = redis.NewPrefix();
        await using var a = Node(prefix);
        await using var b = Node(prefix);
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
        Assert.Equal(offsets[0], info.Epoch);

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
    }

    [Fact]
    public async Task After_the_channel_is_reset_old_offsets_are_not_recovered_and_live_subscribers_are_told()
    {
        var prefix = redis.NewPrefix();
        await using var a = Node(prefix);
        await using var b = Node(prefix);
        var old = new List<StreamOffset>();
        for (var i = 0; i < 3; i++)
        {
            old.Add(await a.Hub.Channel<long>("reset").PublishAsync(i));
        }
        var live = new Recorder<BackplaneEntry>();
        using var liveSubscription = b.Backplane.SubscribeLive("reset", old[^1]).Subscribe(live);
        await Wait.UntilAsync(() => b.Backplane.LiveReader.Reads > 0, "node B reads the channel live");

        // As FLUSHALL (or a restart without persistence) would, for this channel's keys only.
        var keys = new RedisKeys(prefix);
        await redis.Db.KeyDeleteAsync([keys.Stream("reset"), keys.Meta("reset")]);

        var gone = new Recorder<StreamItem<long>>();
        using (b.Hub.Channel<long>("reset").From(old[1]).Subscribe(gone))
        {
            await Wait.UntilAsync(() => gone.Error is not null, "resuming into a channel that lost its history fails");
        }
        Assert.IsType<StreamNotRecoveredException>(gone.Error);

        var first = await a.Hub.Channel<long>("reset").PublishAsync(100);
        var info = await b.Backplane.GetInfoAsync("reset", default);
        Assert.Equal(first, info.Epoch);
        Assert.False(info.CanResumeAfter(old[^1]));
        Assert.True(info.CanResumeAfter(StreamOffset.Start));

        await Wait.UntilAsync(() => live.Error is not null, "the live subscriber hears the channel began a new life");
        var error = Assert.IsType<StreamNotRecoveredException>(live.Error);
        Assert.Equal(old[^1], error.Requested);
        // Told as soon as it reads the channel without its history (then it holds nothing) or after the new append.
        Assert.True(error.Offset is null || error.Offset == first);
        Assert.Empty(live.Items);

        var fresh = new Recorder<StreamItem<long>>();
        using var _ = b.Hub.Channel<long>("reset").From(StreamOffset.Start).Subscribe(fresh);
        await Wait.UntilAsync(() => fresh.Count == 1, "reading the new life from the start works");
        Assert.Equal(100, fresh.Items[0].Value);
    }

    [Fact]
    public async Task A_channel_reset_in_the_millisecond_of_its_last_append_refuses_the_old_offsets()
    {
        // Append, reset, look: back to back on loopback, many rounds land in one millisecond of the Redis clock. An
        // epoch of "now" for the emptied channel would then be at or below the old life's ids, and those offsets
        // would pass as recoverable (a catch-up from one would wait for items that never come).
        var prefix = redis.NewPrefix();
        await using var node = Node(prefix);
        var keys = new RedisKeys(prefix);
        for (var round = 0; round < 200; round++)
        {
            var channel = $"same-ms-{round % 4}";
            var old = await node.Backplane.AppendAsync(channel, Bytes("1"), null, default);
            await redis.Db.KeyDeleteAsync([keys.Stream(channel), keys.Meta(channel)]);

            var empty = await node.Backplane.GetInfoAsync(channel, default);
            Assert.False(empty.CanResumeAfter(old), $"round {round}: {old} from the old life passes as recoverable against epoch {empty.Epoch}");
            var page = await node.Backplane.ReadAsync(channel, old, 10, default);
            Assert.False(page.Info.CanResumeAfter(old), $"round {round}: a read after {old} passes against epoch {page.Info.Epoch}");
        }
    }

    [Fact]
    public async Task Live_subscription_from_an_offset_delivers_the_rest_then_new_items()
    {
        var prefix = redis.NewPrefix();
        await using var a = Node(prefix);
        await using var b = Node(prefix);
        var offsets = new List<StreamOffset>();
        for (var i = 0; i < 10; i++)
        {
            offsets.Add(await a.Backplane.AppendAsync("c", Bytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), null, default));
        }
        var early = new Recorder<BackplaneEntry>();
        var late = new Recorder<BackplaneEntry>();
        using var s1 = b.Backplane.SubscribeLive("c", offsets[7]).Subscribe(early);
        await Wait.UntilAsync(() => early.Count == 2, "the two items after the offset arrive");
        // A second subscriber of the same channel from further back: the node's one reader serves both.
        using var s2 = b.Backplane.SubscribeLive("c", offsets[2]).Subscribe(late);
        await Wait.UntilAsync(() => late.Count == 7, "the second subscriber gets its seven");
        for (var i = 10; i < 15; i++)
        {
            offsets.Add(await a.Backplane.AppendAsync("c", Bytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), null, default));
        }
        await Wait.UntilAsync(() => early.Count == 7 && late.Count == 12, "both get the new items");
        Assert.Equal(offsets[8..], early.Items.Select(e => e.Offset));
        Assert.Equal(offsets[3..], late.Items.Select(e => e.Offset));
        Assert.Equal(1, b.Backplane.LiveReader.ChannelCount);
    }

    [Fact]
    public async Task A_throwing_observer_is_detached_and_the_others_go_on()
    {
        var prefix = redis.NewPrefix();
        await using var a = Node(prefix);
        await using var b = Node(prefix);
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
    }

    [Fact]
    public async Task Redis_readers_do_not_grow_with_local_subscribers()
    {
        const int channels = 10, perChannel = 10, items = 50;
        var prefix = redis.NewPrefix();
        await using var a = Node(prefix);
        await using var b = Node(prefix);
        var recorders = new List<Recorder<StreamItem<long>>>();
        var direct = new List<Recorder<BackplaneEntry>>();
        var subscriptions = new List<IDisposable>();
        for (var c = 0; c < channels; c++)
        {
            for (var s = 0; s < perChannel; s++)
            {
                var r = new Recorder<StreamItem<long>>();
                recorders.Add(r);
                subscriptions.Add(b.Hub.Channel<long>($"ch{c}").From(StreamOffset.Start).Subscribe(r));
                // The hub shares one backplane subscription per channel; these reach the backplane each on their own,
                // so the bound on reads below holds only if the Redis reader itself shares one read per channel.
                var d = new Recorder<BackplaneEntry>();
                direct.Add(d);
                subscriptions.Add(b.Backplane.SubscribeLive($"ch{c}", StreamOffset.Start).Subscribe(d));
            }
        }
        var wakeUps = new RedisKeys(prefix);
        await Wait.UntilAsync(async () =>
        {
            for (var c = 0; c < channels; c++)
            {
                // Sharded (SSUBSCRIBE) on the cluster, plain on a single Redis: the cluster classes do run on the cluster.
                if (await redis.SubscriptionsAsync(wakeUps.LiveWakeUp($"ch{c}")) != (redis.IsCluster ? (0, 1) : (1, 0)))
                {
                    return false;
                }
            }
            return true;
        }, redis.IsCluster ? "node B listens to each channel's wake-ups exactly once, sharded" : "node B listens to each channel's wake-ups exactly once");
        var readsBefore = b.Backplane.LiveReader.Reads;

        for (var i = 0; i < items; i++)
        {
            for (var c = 0; c < channels; c++)
            {
                await a.Hub.Channel<long>($"ch{c}").PublishAsync(i);
            }
        }
        await Wait.UntilAsync(() => recorders.All(r => r.Count == items) && direct.All(d => d.Count == items), "all 200 subscribers get all their items");
        Assert.All(recorders, r => Assert.Equal(Enumerable.Range(0, items).Select(i => (long)i), r.Items.Select(x => x.Value)));
        Assert.All(direct, d => Assert.Equal(Enumerable.Range(0, items).Select(i => $"{i}"), d.Items.Select(x => Encoding.UTF8.GetString(x.Payload.Span))));

        var reads = b.Backplane.LiveReader.Reads - readsBefore;
        output.WriteLine($"node B: {reads} live reads for {channels * items} items and {channels * perChannel * 2} subscribers");
        Assert.True(reads <= channels * items + channels * 20, $"at most about one read per item and channel, whatever the subscribers ({reads})");
        Assert.Equal(channels, b.Backplane.LiveReader.ChannelCount);

        // Per server at most two connections of node B (commands, subscriptions), none of them blocked.
        var total = 0;
        foreach (var (server, clients) in await redis.ClientsAsync())
        {
            var nodeB = clients.Where(c => c.Contains($" name={prefix}-{b.Backplane.NodeId} ", StringComparison.Ordinal)).ToList();
            output.WriteLine($"{server}: {string.Join("\n", nodeB)}");
            Assert.InRange(nodeB.Count, 0, 2);
            Assert.DoesNotContain(nodeB, c => c.Contains(" flags=b ", StringComparison.Ordinal));
            total += nodeB.Count;
        }
        Assert.True(total >= 1);
        subscriptions.ForEach(s => s.Dispose());
        await Wait.UntilAsync(() => b.Backplane.LiveReader.ChannelCount == 0, "the reader forgets channels nobody reads");
    }
}

[Collection(RedisCollection.Name)]
public sealed class SingleRedisDurableChannelTests(RedisFixture fixture, ITestOutputHelper output) : RedisDurableChannelTests(fixture, output)
{
    protected override bool OnCluster => false;
}

[Collection(RedisCollection.Name)]
public sealed class ClusterRedisDurableChannelTests(RedisFixture fixture, ITestOutputHelper output) : RedisDurableChannelTests(fixture, output)
{
    protected override bool OnCluster => true;
}
