using System.Diagnostics;
using RxStreams.Backplanes;
using RxStreams.Redis;
using RxStreams.Testing;
using Xunit.Abstractions;

namespace RxStreams.Tests.Redis;

/// <summary>
/// A cluster master killed (by pid) while a durable channel is published to on one node and read on another: its
/// replica takes over and both nodes carry on by themselves. To make the replication lag certain rather than a race,
/// the replica is frozen (SIGSTOP) and the master drops its replication link for a moment before the kill (the
/// replica is thawed right after it): what the master acknowledged meanwhile exists nowhere else. Each test puts the killed node back (it rejoins as a replica), so the
/// shared cluster is whole again for the next test.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisFailoverTests(RedisFixture fixture, ITestOutputHelper output) : RedisTestBase(fixture)
{
    protected override bool OnCluster => true;

    [Fact]
    public async Task Without_waiting_for_replicas_readers_and_writers_carry_on_after_a_failover_and_lose_only_what_no_replica_received()
    {
        var run = await RunAsync(waitForReplicas: 0);
        // Redis replicates asynchronously: what the master acknowledged while its replica lagged is missing on the
        // promoted replica, and only that. Whatever is in the channel now was delivered once, in order.
        output.WriteLine($"acknowledged but lost in the failover: {run.Lost.Count} (acknowledged while the replica lagged: {run.AcknowledgedWhileLagging})");
        Assert.NotEmpty(run.Lost);
        Assert.All(run.Lost, value => Assert.DoesNotContain(value, run.AcknowledgedBeforeLag));
    }

    [Fact]
    public async Task Waiting_for_a_replica_loses_no_acknowledged_item_in_a_failover()
    {
        var run = await RunAsync(waitForReplicas: 1);
        output.WriteLine($"appends that failed while the replica lagged (applied on the master, not acknowledged): {run.FailedWhileLagging}");
        Assert.Empty(run.Lost);
        Assert.True(run.FailedWhileLagging > 0, "appends the replica did not confirm fail rather than being acknowledged");
    }

    private async Task<Run> RunAsync(int waitForReplicas)
    {
        var cluster = redis.Cluster!;
        var prefix = redis.NewPrefix();
        void Configure(RedisBackplaneOptions o)
        {
            o.OperationTimeout = TimeSpan.FromSeconds(2);
            o.WaitForReplicas = waitForReplicas;
        }
        await using var a = RedisNode.Start(redis.ConnectionString, prefix, output, Configure);
        await using var b = RedisNode.Start(redis.ConnectionString, prefix, output, Configure);
        var keys = new RedisKeys(prefix);
        var master = redis.MasterPortOf(keys.Stream("orders"));

        var received = new Recorder<StreamItem<long>>();
        using var subscription = b.Hub.Channel<long>("orders").From(StreamOffset.Start).Subscribe(received);
        await using var publisher = AppendLoop.Start(a.Hub.Channel<long>("orders"), TimeSpan.FromMilliseconds(50));
        var acknowledged = publisher.Acknowledged;

        int atKill, atFailover, failuresAtLag, acknowledgedWhileLagging, failedWhileLagging;
        HashSet<long> beforeLag;
        var replica = (await RedisCluster.ReplicasOfAsync(master))[0];
        var paused = false;
        var killed = Stopwatch.StartNew();
        try
        {
            await Wait.UntilAsync(() => acknowledged.Count >= 300 && received.Count >= 100, "300 publishes are acknowledged and node B is reading");
            var healthyTimes = publisher.AppendMilliseconds.ToArray();
            output.WriteLine($"WaitForReplicas = {waitForReplicas}: before the kill, {healthyTimes.Length} appends, mean {healthyTimes.Average():0.000} ms, median {Median(healthyTimes):0.000} ms (one publisher, awaiting each)");

            beforeLag = [.. acknowledged.Keys];
            failuresAtLag = publisher.Failures;
            await cluster.PauseAsync(replica);
            paused = true;
            await RedisCluster.DisconnectReplicasAsync(master);
            await Wait.UntilAsync(
                () => waitForReplicas == 0 ? acknowledged.Count >= beforeLag.Count + 100 : publisher.Failures >= failuresAtLag + 2,
                waitForReplicas == 0 ? "100 appends are acknowledged while the replica lags" : "appends fail while no replica confirms them");
            atKill = acknowledged.Count;
            killed.Restart();
            await cluster.KillAsync(master);
            acknowledgedWhileLagging = atKill - beforeLag.Count;
            failedWhileLagging = publisher.Failures - failuresAtLag;
            await cluster.ResumeAsync(replica);
            paused = false;
            await cluster.WaitForFailoverAsync();
            output.WriteLine($"master {master} killed; the cluster was ok again after {killed.Elapsed.TotalSeconds:0.0} s");
            if (waitForReplicas > 0)
            {
                // The promoted master has no replica until the killed node comes back: appends wait for one.
                await cluster.RestartAsync(master);
            }
            atFailover = acknowledged.Count;
            await Wait.UntilAsync(() => acknowledged.Count >= atFailover + 300, "publishing goes on after the failover", TimeSpan.FromSeconds(60));
            output.WriteLine($"publishing went on {killed.Elapsed.TotalSeconds:0.0} s after the kill; {publisher.Failures} publishes failed meanwhile");
        }
        finally
        {
            await publisher.StopAsync();
            if (paused)
            {
                await cluster.ResumeAsync(replica);
            }
            if (!cluster.Nodes.Single(n => n.Port == master).IsRunning)
            {
                await cluster.RestartAsync(master);
            }
        }

        // Node B reads the channel as it is now, from the start, through the new master.
        var stored = new List<BackplaneEntry>();
        for (var page = await b.Backplane.ReadAsync("orders", StreamOffset.Start, 10_000, default); ; page = await b.Backplane.ReadAsync("orders", stored[^1].Offset, 10_000, default))
        {
            stored.AddRange(page.Entries);
            if (page.Entries.Count < 10_000)
            {
                break;
            }
        }
        var last = stored[^1].Offset;
        await Wait.UntilAsync(() => received.Items.Any(x => x.Offset >= last) || received.Error is not null, "node B's live subscription reaches the end of the channel", TimeSpan.FromSeconds(60));
        Assert.Null(received.Error);
        var items = received.Items;
        output.WriteLine($"{acknowledged.Count} acknowledged, {publisher.Failures} failed, {stored.Count} in the channel, {items.Count} received live");

        Assert.Equal(items.Select(x => x.Offset).Order(), items.Select(x => x.Offset));
        Assert.Equal(items.Count, items.Select(x => x.Offset).Distinct().Count());
        Assert.All(items, x => Assert.True(publisher.Attempted.ContainsKey(x.Value)));
        // Every item in the channel was delivered live, once, in order.
        var storedOffsets = stored.Select(e => e.Offset).ToHashSet();
        Assert.Equal(stored.Select(e => e.Offset), items.Select(x => x.Offset).Where(storedOffsets.Contains));
        var lost = acknowledged.Where(kv => !storedOffsets.Contains(kv.Value)).Select(kv => kv.Key).ToList();
        Assert.True(items.Count(x => acknowledged.TryGetValue(x.Value, out var o) && o == x.Offset) >= atKill - lost.Count, "node B received what was acknowledged before the kill (bar what was lost)");
        Assert.Contains(items, x => acknowledged.TryGetValue(x.Value, out var o) && o == x.Offset && x.Value >= atFailover);
        return new Run(lost, beforeLag, acknowledgedWhileLagging, failedWhileLagging);
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        return values[values.Length / 2];
    }

    private sealed record Run(List<long> Lost, HashSet<long> AcknowledgedBeforeLag, int AcknowledgedWhileLagging, int FailedWhileLagging);
}
