using System.Globalization;
using System.Text.RegularExpressions;
using RxStreams.Redis;
using RxStreams.Testing;
using Xunit.Abstractions;

namespace RxStreams.Tests.Redis;

/// <summary>What only a Redis Cluster shows: where keys land, and that pub/sub stays on the channel's shard.</summary>
[Collection(RedisCollection.Name)]
public sealed partial class RedisClusterTests(RedisFixture fixture, ITestOutputHelper output) : RedisTestBase(fixture)
{
    protected override bool OnCluster => true;

    [Fact]
    public async Task Keys_of_one_channel_share_a_slot_and_channels_spread_over_every_master()
    {
        const int channels = 30;
        var prefix = redis.NewPrefix();
        await using var node = RedisNode.Start(redis.ConnectionString, prefix, output);
        for (var c = 0; c < channels; c++)
        {
            await node.Hub.Channel<long>($"room{c}").PublishAsync(c);
            await using var member = await node.Hub.Presence($"room{c}").JoinAsync(new PresenceMember("m", "alice"));
            await node.Hub.Queue<long>($"room{c}").EnqueueAsync(c);
        }

        var keys = await redis.KeysAsync(prefix + ":*");
        var byName = keys.GroupBy(k => HashTag().Match(k).Groups[1].Value).ToList();
        Assert.Equal(channels, byName.Count);
        var masters = new HashSet<int>();
        foreach (var group in byName)
        {
            // stream, meta, queue (presence left with the member): all in one slot, on one master.
            Assert.True(group.Count() >= 3, $"{group.Key}: {string.Join(", ", group)}");
            Assert.Single(group.Select(k => redis.Slot(k)).Distinct());
            masters.Add(redis.MasterPortOf(group.First()));
        }
        output.WriteLine($"{channels} channels over {masters.Count} masters, {byName.Select(g => redis.Slot(g.First())).Distinct().Count()} slots");
        Assert.Equal(3, masters.Count);
        Assert.Equal(channels, byName.Select(g => redis.Slot(g.First())).Distinct().Count());
    }

    [Fact]
    public async Task Sharded_pub_sub_keeps_each_publish_on_its_shard()
    {
        var sharded = await MeasureAsync(shardedPubSub: null);
        var plain = await MeasureAsync(shardedPubSub: false);
        output.WriteLine(sharded.Report("sharded (default on a cluster)"));
        output.WriteLine(plain.Report("plain PUBLISH (ShardedPubSub = false)"));

        Assert.Equal(sharded.Items, sharded.Received);
        Assert.Equal(plain.Items, plain.Received);
        // Sharded: a publish reaches its master's replica only (one cluster-bus message); plain: every other node.
        Assert.True(sharded.Bus("publish") < sharded.Publishes / 10, $"sharded publishes went over the bus as plain ones ({sharded.Bus("publish")})");
        Assert.InRange(sharded.Bus("publishshard"), sharded.Publishes * 0.9, sharded.Publishes * 1.5);
        Assert.True(plain.Bus("publish") >= plain.Publishes * 4, $"a plain publish reaches every other node ({plain.Bus("publish")} for {plain.Publishes})");
        Assert.True(plain.Bus("publishshard") < plain.Publishes / 10);
    }

    /// <summary>
    /// Node A publishes to 10 ephemeral and 10 durable channels that node B follows; returns what each Redis node ran
    /// (INFO commandstats) and received over the cluster bus meanwhile.
    /// </summary>
    private async Task<Measurement> MeasureAsync(bool? shardedPubSub)
    {
        const int channels = 10, perChannel = 50;
        var prefix = redis.NewPrefix();
        await using var a = RedisNode.Start(redis.ConnectionString, prefix, output, o => o.ShardedPubSub = shardedPubSub);
        await using var b = RedisNode.Start(redis.ConnectionString, prefix, output, o => o.ShardedPubSub = shardedPubSub);
        var received = 0;
        var subscriptions = new List<IDisposable>();
        for (var c = 0; c < channels; c++)
        {
            subscriptions.Add(b.Hub.Ephemeral<long>($"e{c}").Subscribe(_ => Interlocked.Increment(ref received)));
            subscriptions.Add(b.Hub.Channel<long>($"d{c}").Subscribe(_ => Interlocked.Increment(ref received)));
        }
        await Wait.UntilAsync(async () =>
        {
            for (var c = 0; c < channels; c++)
            {
                var (p, s) = await redis.SubscriptionsAsync(new RedisKeys(prefix).Ephemeral($"e{c}"));
                var (lp, ls) = await redis.SubscriptionsAsync(new RedisKeys(prefix).LiveWakeUp($"d{c}"));
                if (p + s != 1 || lp + ls != 1)
                {
                    return false;
                }
            }
            return true;
        }, "node B is subscribed to every channel");
        await Task.Delay(500); // let node B's first reads settle, so that they are not counted
        var nodes = redis.Cluster!.Nodes.Where(n => n.IsRunning).ToList();
        var commandsBefore = await Task.WhenAll(nodes.Select(n => RedisCluster.CommandStatsAsync(n.Port)));
        var busBefore = await Task.WhenAll(nodes.Select(n => RedisCluster.BusMessagesReceivedAsync(n.Port)));

        for (var i = 0; i < perChannel; i++)
        {
            for (var c = 0; c < channels; c++)
            {
                await a.Hub.Ephemeral<long>($"e{c}").PublishAsync(i);
                await a.Hub.Channel<long>($"d{c}").PublishAsync(i);
            }
        }
        var items = channels * perChannel * 2;
        await Wait.UntilAsync(() => Volatile.Read(ref received) >= items, "node B receives every item");

        var commandsAfter = await Task.WhenAll(nodes.Select(n => RedisCluster.CommandStatsAsync(n.Port)));
        var busAfter = await Task.WhenAll(nodes.Select(n => RedisCluster.BusMessagesReceivedAsync(n.Port)));
        subscriptions.ForEach(s => s.Dispose());
        var roles = await redis.Cluster.RolesAsync();
        var perNode = nodes.Select((n, i) => (
            Port: n.Port,
            Role: roles.GetValueOrDefault(n.Port, "?"),
            Commands: commandsAfter[i].Sum(kv => kv.Value) - commandsBefore[i].Sum(kv => kv.Value),
            Bus: busAfter[i].ToDictionary(kv => kv.Key, kv => kv.Value - busBefore[i].GetValueOrDefault(kv.Key)))).ToList();
        return new Measurement(items, Volatile.Read(ref received), Publishes: items, perNode);
    }

    private sealed record Measurement(int Items, int Received, int Publishes, List<(int Port, string Role, long Commands, Dictionary<string, long> Bus)> PerNode)
    {
        public long Bus(string kind) => PerNode.Sum(n => n.Bus.GetValueOrDefault(kind));

        public string Report(string title)
            => $"{title}: {Items} items ({Items / 2} ephemeral, {Items / 2} durable)\n" + string.Join("\n", PerNode.Select(n =>
                $"  {n.Port} {n.Role,-6} commands {n.Commands,6}  bus publish {n.Bus.GetValueOrDefault("publish"),6}  bus publishshard {n.Bus.GetValueOrDefault("publishshard"),6}"))
               + $"\n  total commands {PerNode.Sum(n => n.Commands).ToString(CultureInfo.InvariantCulture)}, bus publish {Bus("publish")}, bus publishshard {Bus("publishshard")}";
    }

    [GeneratedRegex(@"\{([^}]*)\}")]
    private static partial Regex HashTag();
}
