using RxStreams.AspNetCore.Admin;
using RxStreams.Testing;

namespace RxStreams.AspNetCore.Tests.Admin;

/// <summary>The merge of the nodes' snapshots behind the admin stream, in virtual time.</summary>
public sealed class ClusterSnapshotsTests
{
    private static NodeSnapshot Snapshot(string node, long sequence, int connections = 0, string? name = null)
        => new(node, name ?? node, sequence, "memory", 0, 0, connections, 0, 0, 0, 0, 0, 0, [], [], [], 0, 0, []);

    [Fact]
    public void Each_node_keeps_its_latest_snapshot_and_a_late_older_one_is_ignored()
    {
        var clock = new ManualClock();
        var merged = new ClusterSnapshots(clock, TimeSpan.FromSeconds(3));

        Assert.True(merged.Add(Snapshot("b", 1, connections: 1)));
        Assert.True(merged.Add(Snapshot("a", 1, connections: 10)));
        Assert.True(merged.Add(Snapshot("b", 2, connections: 2)));
        Assert.False(merged.Add(Snapshot("b", 1, connections: 99)));   // arrived late
        Assert.False(merged.Add(Snapshot("a", 1, connections: 98)));   // a repeat

        var view = merged.Current();
        Assert.Equal(["a", "b"], view.Select(s => s.Node));              // ordered by name
        Assert.Equal([10, 2], view.Select(s => s.Connections));
    }

    [Fact]
    public void A_node_not_heard_from_within_the_expiry_leaves_the_view_and_comes_back_when_it_reports_again()
    {
        var clock = new ManualClock();
        var merged = new ClusterSnapshots(clock, TimeSpan.FromSeconds(3));
        merged.Add(Snapshot("a", 1));
        merged.Add(Snapshot("b", 1));

        clock.Advance(TimeSpan.FromSeconds(2));
        merged.Add(Snapshot("a", 2));                                     // a reports, b is silent
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["a", "b"], merged.Current().Select(s => s.Node));   // b: exactly 3 s, not more
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(["a"], merged.Current().Select(s => s.Node));

        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Empty(merged.Current());                                   // a went silent too

        merged.Add(Snapshot("b", 7));
        Assert.Equal(["b"], merged.Current().Select(s => s.Node));
    }

    [Fact]
    public void Expiry_is_measured_from_receipt_on_this_node_whatever_the_sender_s_clock_says()
    {
        var clock = new ManualClock();
        var merged = new ClusterSnapshots(clock, TimeSpan.FromSeconds(3));
        // A node whose clock is an hour behind still counts as heard from now.
        merged.Add(Snapshot("late-clock", 1) with { At = clock.GetUtcNow().AddHours(-1).ToUnixTimeMilliseconds() });
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Single(merged.Current());
    }
}
