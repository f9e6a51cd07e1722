using System.Diagnostics;
using RxStreams.Redis;
using RxStreams.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace RxStreams.Tests.Redis;

/// <summary>Presence across nodes; run on a single Redis and on a Redis Cluster (the two classes at the end).</summary>
public abstract class RedisPresenceTests(RedisFixture fixture, ITestOutputHelper output) : RedisTestBase(fixture)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);

    private RedisNode Node(string prefix) => RedisNode.Start(redis.ConnectionString, prefix, output, o => o.PresenceLease = Lease);

    [Fact]
    public async Task Members_join_update_and_leave_across_nodes_and_a_dead_nodes_members_leave_when_their_lease_expires()
    {
        var prefix = redis.NewPrefix();
        await using var a = Node(prefix);
        var b = Node(prefix);
        var viewA = new PresenceView();
        var viewB = new PresenceView();
        using var watchA = a.Hub.Presence("room").Watch().Subscribe(viewA);
        using var watchB = b.Hub.Presence("room").Watch().Subscribe(viewB);

        var alice = new PresenceMember("c1", "alice", "here");
        var bob = new PresenceMember("c2", "bob");
        var aliceHandle = await a.Hub.Presence("room").JoinAsync(alice);
        await using var bobHandle = await b.Hub.Presence("room").JoinAsync(bob);
        await Wait.UntilAsync(() => viewA.Has(alice) && viewA.Has(bob) && viewB.Has(alice) && viewB.Has(bob), "both nodes see both members");
        Assert.Equal(["c1", "c2"], (await a.Hub.Presence("room").GetMembersAsync()).Select(m => m.Id).Order());
        Assert.Equal(["c1", "c2"], (await b.Hub.Presence("room").GetMembersAsync()).Select(m => m.Id).Order());

        var away = alice with { Data = "away" };
        var aliceAgain = await a.Hub.Presence("room").JoinAsync(away);
        await Wait.UntilAsync(() => viewA.Has(away) && viewB.Has(away), "both nodes see the update");
        Assert.Contains(viewB.Events, e => e.Kind == PresenceEventKind.Updated && e.Member == away);
        await aliceHandle.DisposeAsync();
        Assert.True(viewB.Has(away), "disposing an older handle of a member that joined again does nothing");
        await aliceAgain.DisposeAsync();
        await Wait.UntilAsync(() => !viewA.Contains("c1") && !viewB.Contains("c1"), "both nodes see alice leave");
        Assert.Contains(viewA.Events, e => e.Kind == PresenceEventKind.Left && e.Member?.Id == "c1");

        // Node B renews bob's lease: it outlives its first lease.
        var leases = new RedisKeys(prefix).PresenceLeases("room");
        var firstExpiry = (double)(await redis.Db.SortedSetScoreAsync(leases, "c2"))!;
        await Wait.UntilAsync(async () => await RedisNowMs() > firstExpiry + Lease.TotalMilliseconds / 2, "the first lease of bob has long expired");
        Assert.Contains(await a.Hub.Presence("room").GetMembersAsync(), m => m.Id == "c2");

        // Node B dies without a word: bob leaves once his lease expires, and node A says so.
        var sw = Stopwatch.StartNew();
        await b.Backplane.SimulateCrashAsync();
        await Wait.UntilAsync(() => !viewA.Contains("c2"), "node A sees the dead node's member leave");
        output.WriteLine($"a dead node's member left {sw.Elapsed.TotalSeconds:0.0} s after the crash (lease {Lease.TotalSeconds} s)");
        Assert.True(sw.Elapsed < Lease * 3, $"left within about the lease ({sw.Elapsed})");
        Assert.Contains(viewA.Events, e => e.Kind == PresenceEventKind.Left && e.Member == bob);
        Assert.Empty(await a.Hub.Presence("room").GetMembersAsync());
        Assert.Null(viewA.Error);
    }

    [Fact]
    public async Task One_member_is_looked_up_by_id_on_any_node_until_it_leaves_or_its_lease_expires()
    {
        var prefix = redis.NewPrefix();
        await using var b = Node(prefix);
        var a = Node(prefix);
        var alice = new PresenceMember("c1", "alice", "node-a");
        var left = await a.Hub.Presence("room").JoinAsync(new PresenceMember("c0", "zoe"));
        for (var i = 2; i < 50; i++)
        {
            await a.Hub.Presence("room").JoinAsync(new PresenceMember($"c{i}", $"user{i}"));
        }
        // Alice joins last: her lease is the last to expire, so once she is gone so is everyone.
        await a.Hub.Presence("room").JoinAsync(alice);

        Assert.Equal(alice, await b.Backplane.GetPresenceMemberAsync("room", "c1", CancellationToken.None));
        Assert.Null(await b.Backplane.GetPresenceMemberAsync("room", "nobody", CancellationToken.None));
        Assert.Null(await b.Backplane.GetPresenceMemberAsync("elsewhere", "c1", CancellationToken.None));
        await left.DisposeAsync();
        Assert.Null(await b.Backplane.GetPresenceMemberAsync("room", "c0", CancellationToken.None));

        // Node A dies: once the lease is over, the lookup sweeps alice out rather than answer with a dead member.
        await a.Backplane.SimulateCrashAsync();
        await Wait.UntilAsync(async () => await b.Backplane.GetPresenceMemberAsync("room", "c1", CancellationToken.None) is null, "alice's lease expired");
        Assert.Empty(await b.Hub.Presence("room").GetMembersAsync());
    }

    [Fact]
    public async Task A_node_cut_off_longer_than_the_lease_puts_its_members_back()
    {
        var prefix = redis.NewPrefix();
        await using var a = Node(prefix);
        await using var b = Node(prefix);
        var viewB = new PresenceView();
        using var watch = b.Hub.Presence("room").Watch().Subscribe(viewB);
        await using var handle = await a.Hub.Presence("room").JoinAsync(new PresenceMember("c1", "alice"));
        await Wait.UntilAsync(() => viewB.Contains("c1"), "node B sees alice");

        // As if node A's renewals had not reached Redis for a whole lease: the lease is gone.
        var keys = new RedisKeys(prefix);
        var stored = (string)(await redis.Db.HashGetAsync(keys.PresenceMembers("room"), "c1"))!;
        await redis.Db.ScriptEvaluateAsync(RedisScripts.Leave.TextFor(shardedPubSub: redis.IsCluster), [keys.PresenceLeases("room"), keys.PresenceMembers("room")],
            ["c1", stored.Split('|')[0], keys.PresenceEvents("room")]);
        await Wait.UntilAsync(() => !viewB.Contains("c1"), "node B sees alice leave");
        await Wait.UntilAsync(() => viewB.Contains("c1"), "node A's next renewal puts alice back, and node B sees her join");
    }

    private async Task<double> RedisNowMs()
    {
        var time = (RedisResult[])(await redis.Db.ExecuteAsync("TIME"))!;
        return (long)time[0] * 1000.0 + (long)time[1] / 1000.0;
    }

    /// <summary>The members as a watcher sees them, applying events as set operations.</summary>
    private sealed class PresenceView : IObserver<PresenceEvent>
    {
        private readonly object _gate = new();
        private readonly Dictionary<string, PresenceMember> _members = [];
        private readonly List<PresenceEvent> _events = [];

        public Exception? Error { get; private set; }

        public List<PresenceEvent> Events
        {
            get
            {
                lock (_gate)
                {
                    return [.. _events];
                }
            }
        }

        public bool Has(PresenceMember member)
        {
            lock (_gate)
            {
                return _members.TryGetValue(member.Id, out var m) && m == member;
            }
        }

        public bool Contains(string id)
        {
            lock (_gate)
            {
                return _members.ContainsKey(id);
            }
        }

        public void OnNext(PresenceEvent value)
        {
            lock (_gate)
            {
                _events.Add(value);
                switch (value.Kind)
                {
                    case PresenceEventKind.Snapshot:
                        _members.Clear();
                        foreach (var m in value.Members!)
                        {
                            _members[m.Id] = m;
                        }
                        break;
                    case PresenceEventKind.Joined or PresenceEventKind.Updated:
                        _members[value.Member!.Id] = value.Member;
                        break;
                    case PresenceEventKind.Left:
                        _members.Remove(value.Member!.Id);
                        break;
                }
            }
        }

        public void OnError(Exception error) => Error = error;

        public void OnCompleted()
        {
        }
    }
}

[Collection(RedisCollection.Name)]
public sealed class SingleRedisPresenceTests(RedisFixture fixture, ITestOutputHelper output) : RedisPresenceTests(fixture, output)
{
    protected override bool OnCluster => false;
}

[Collection(RedisCollection.Name)]
public sealed class ClusterRedisPresenceTests(RedisFixture fixture, ITestOutputHelper output) : RedisPresenceTests(fixture, output)
{
    protected override bool OnCluster => true;
}
