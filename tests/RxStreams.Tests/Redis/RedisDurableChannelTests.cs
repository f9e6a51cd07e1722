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
    public async Task A_channels_life_begins_at_its_first_append_and_its_keys_carry_its_name_as_a_hash_tag()
    {
        // What the contract suite (Backplanes/DurableChannelContract) leaves to each backplane, as Redis does it.
        var prefix = redis.NewPrefix();
        await using var node = Node(prefix);
        var offsets = new List<StreamOffset>();
        for (var i = 0; i < 5; i++)
        {
            offsets.Add(await node.Backplane.AppendAsync("c", Bytes($"\"v{i}\""), null, default));
        }
        Assert.Equal(offsets[0], (await node.Backplane.GetInfoAsync("c", default)).Epoch);

        // Every key of the channel carries the channel name as a hash tag, so a cluster keeps them in one slot.
        var keys = await redis.KeysAsync(prefix + ":*");
        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.StartsWith(prefix + ":{c}:", k, StringComparison.Ordinal));
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
