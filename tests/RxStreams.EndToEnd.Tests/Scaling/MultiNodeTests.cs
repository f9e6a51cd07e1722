using System.Collections.Concurrent;
using System.Reactive.Linq;
using RxStreams.Client;
using RxStreams.Testing;
using RxStreams.TestServer;

namespace RxStreams.EndToEnd.Tests.Scaling;

/// <summary>
/// Two server nodes (child processes on real Kestrel) on one real redis-server: what one node's client publishes
/// reaches the other's, a stopped node's clients resume on the other, a crashed node's work and presence are taken
/// over, and a Redis restart loses no acknowledged item.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class MultiNodeTests(EndToEndFixture run)
{
    private static readonly RxStreamsClientOptions FastReconnect = new() { ReconnectDelay = TimeSpan.FromMilliseconds(50), MaxReconnectDelay = TimeSpan.FromSeconds(1) };

    private async Task<ServerProcess> Node(string name, string prefix, params string[] more)
        => await ServerProcess.StartAsync(name, ["--redis", (await run.RedisAsync()).ConnectionString, "--prefix", prefix, .. more]);

    [Fact]
    public async Task A_client_on_one_node_publishes_and_a_client_on_the_other_receives_in_order()
    {
        var prefix = Nodes.NewPrefix();
        await using var a = await Node("a", prefix);
        await using var b = await Node("b", prefix);
        await using var onA = await RxStreamsClient.ConnectAsync(a.Endpoint);
        await using var onB = await RxStreamsClient.ConnectAsync(b.Endpoint);
        var received = new ConcurrentQueue<Tick>();
        var roomOnB = onB.Open<Tick, Tick>("room/lobby");
        using var _ = roomOnB.Subscribe(received.Enqueue);
        var roomOnA = onA.Open<Tick, Tick>("room/lobby");
        using var __ = roomOnA.Subscribe(_ => { });
        // Let B's stream be live before A publishes, then publish a thousand items through A.
        await Wait.UntilAsync(async () => await onB.InvokeAsync<Tick, string>("node", new Tick(0)) == "b", "node b answers");
        for (var i = 0; i < 1000; i++)
        {
            roomOnA.OnNext(new Tick(i));
        }
        await Wait.UntilAsync(() => received.Count >= 1000, $"a thousand items reached node b's client (have {received.Count})");
        Assert.Equal(Enumerable.Range(0, 1000), received.Select(t => t.N));
        Assert.All(received, t => Assert.Equal("a", t.Node));
    }

    [Fact]
    public async Task A_node_stopped_in_the_middle_of_a_stream_hands_its_client_to_the_other_with_nothing_lost_or_doubled()
    {
        const int Items = 10_000;
        var prefix = Nodes.NewPrefix();
        var (backplane, hub) = Nodes.Observer(await run.RedisAsync(), prefix);
        await using var _ = backplane;
        await using var a = await Node("a", prefix);
        await using var b = await Node("b", prefix);
        await using var client = await RxStreamsClient.ConnectAsync([a.Endpoint, b.Endpoint], FastReconnect);
        Assert.Equal("a", await client.InvokeAsync<Tick, string>("node", new Tick(0)));
        var seen = new ConcurrentQueue<int>();
        using var feed = client.Subscribe<Tick>("feed/handover").Subscribe(t => seen.Enqueue(t.N));

        var channel = hub.Channel<Tick>("feed:handover", new StreamChannelOptions { MaxLength = 100_000 });
        var publisher = Task.Run(async () =>
        {
            for (var i = 0; i < Items; i++)
            {
                await channel.PublishAsync(new Tick(i));
            }
        });
        await Wait.UntilAsync(() => seen.Count >= Items / 4, "a quarter of the stream arrived");
        await a.StopAsync();
        await Wait.ForAsync(publisher, "the publisher");
        await Wait.UntilAsync(() => seen.Count >= Items, $"every item arrived (have {seen.Count})", TimeSpan.FromSeconds(60));
        Assert.Equal(Enumerable.Range(0, Items), seen);
        Assert.Equal("b", await client.InvokeAsync<Tick, string>("node", new Tick(0)));
    }

    [Fact]
    public async Task A_work_queue_across_two_nodes_processes_each_item_once_and_a_crashed_nodes_items_are_claimed()
    {
        const int Jobs = 10_000;
        var prefix = Nodes.NewPrefix();
        var (backplane, hub) = Nodes.Observer(await run.RedisAsync(), prefix);
        await using var _ = backplane;
        var done = new ConcurrentQueue<Done>();
        using var watch = hub.Channel<Done>("done:jobs", new StreamChannelOptions { MaxLength = 100_000 }).From(StreamOffset.Start).Subscribe(i => done.Enqueue(i.Value));
        var queue = hub.Queue<Job>("jobs");
        for (var i = 0; i < Jobs; i++)
        {
            queue.OnNext(new Job(i));
        }
        await queue.EnqueueAsync(new Job(Jobs)); // the last one confirms the others were sent (in order)

        // Node a crashes (SIGKILL from itself) when it takes its 2,001st job, holding jobs it never acknowledged.
        await using var a = await Node("a", prefix, "--consume", "true", "--crash-after", "2000");
        await using var b = await Node("b", prefix, "--consume", "true");
        await Wait.ForAsync(a.Exited, $"node a's crash ({done.Count} jobs done; a says: {a.Output})", TimeSpan.FromSeconds(60));
        await Wait.UntilAsync(() => done.Count >= Jobs + 1, $"every job was done (have {done.Count})", TimeSpan.FromSeconds(120));

        var all = done.ToArray();
        Assert.Equal(Jobs + 1, all.Length);
        Assert.Equal(Enumerable.Range(0, Jobs + 1), all.Select(d => d.N).Order());
        Assert.Equal(2000, all.Count(d => d.Node == "a"));
        // Jobs node a had taken when it died were delivered again, to b.
        Assert.Contains(all, d => d.Node == "b" && d.DeliveryCount >= 2);
    }

    [Fact]
    public async Task Presence_spans_the_nodes_and_a_crashed_nodes_members_leave_within_the_lease()
    {
        var prefix = Nodes.NewPrefix();
        await using var a = await Node("a", prefix, "--lease", "2");
        await using var b = await Node("b", prefix, "--lease", "2");
        await using var onA = await RxStreamsClient.ConnectAsync(a.Endpoint);
        await using var onB = await RxStreamsClient.ConnectAsync(b.Endpoint);
        var seenOnA = new PresenceView();
        var seenOnB = new PresenceView();
        using var ann = onA.Subscribe<PresenceEvent>("presence/lobby/ann").Subscribe(seenOnA.Apply);
        using var bob = onB.Subscribe<PresenceEvent>("presence/lobby/bob").Subscribe(seenOnB.Apply);
        await Wait.UntilAsync(() => seenOnA.Has("ann", "bob") && seenOnB.Has("ann", "bob"), "both nodes see ann and bob");
        Assert.Equal("b", seenOnA.Data("bob"));

        // A clean leave: bob's stream ends on b, and a's client sees him go.
        bob.Dispose();
        await Wait.UntilAsync(() => !seenOnA.Has("bob"), "ann saw bob leave");

        // A crash: carl joins on b, b dies without cleanup; his lease expires and a's client sees him leave.
        using var carl = onB.Subscribe<PresenceEvent>("presence/lobby/carl").Subscribe(_ => { });
        await Wait.UntilAsync(() => seenOnA.Has("carl"), "ann saw carl join");
        await b.KillAsync();
        await Wait.UntilAsync(() => !seenOnA.Has("carl"), "ann saw carl leave after node b died", TimeSpan.FromSeconds(20));
        Assert.True(seenOnA.Has("ann"));
    }

    [Fact]
    public async Task A_redis_restart_in_the_middle_of_publishing_loses_no_acknowledged_item_and_the_node_answers_throughout()
    {
        var prefix = Nodes.NewPrefix();
        await using var durable = await RedisServer.StartAsync(appendOnly: true);
        var (backplane, hub) = Nodes.Observer(durable, prefix);
        await using var _ = backplane;
        await using var a = await ServerProcess.StartAsync("a", "--redis", durable.ConnectionString, "--prefix", prefix);
        await using var client = await RxStreamsClient.ConnectAsync(a.Endpoint);
        var received = new ConcurrentQueue<int>();
        using var feed = client.Subscribe<Tick>("feed/durable").Subscribe(t => received.Enqueue(t.N));
        var channel = hub.Channel<Tick>("feed:durable", new StreamChannelOptions { MaxLength = 100_000 });

        var acknowledged = new ConcurrentQueue<int>();
        var failures = 0;
        using var stop = new CancellationTokenSource();
        var publisher = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    await channel.PublishAsync(new Tick(i));
                    acknowledged.Enqueue(i);
                }
                catch (BackplaneUnavailableException)
                {
                    Interlocked.Increment(ref failures);
                    await Task.Delay(20);
                }
            }
        });
        await Wait.UntilAsync(() => acknowledged.Count > 500, "publishing is under way");
        await durable.KillAsync();
        await Wait.UntilAsync(() => Volatile.Read(ref failures) > 0, "publishes fail while Redis is down");
        // The node answers while its backplane is gone.
        Assert.Equal("a", await client.InvokeAsync<Tick, string>("node", new Tick(0)));
        await durable.RestartAsync();
        var before = acknowledged.Count;
        await Wait.UntilAsync(() => acknowledged.Count > before + 500, "publishing resumed after the restart", TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await publisher;

        var expected = acknowledged.ToHashSet();
        await Wait.UntilAsync(() => expected.IsSubsetOf(received), $"every acknowledged item arrived ({received.Count} of {expected.Count})", TimeSpan.FromSeconds(60));
        var items = received.ToArray();
        Assert.Equal(items.Length, items.Distinct().Count());
        Assert.Equal(items.Order(), items);
        // An item whose publish was in flight when Redis died may have been written without being acknowledged: at most a few.
        Assert.InRange(items.Length - expected.Count, 0, 16);
    }

    /// <summary>A presence set as a client folds its events.</summary>
    private sealed class PresenceView
    {
        private readonly ConcurrentDictionary<string, string?> _members = new();

        public void Apply(PresenceEvent e)
        {
            switch (e.Kind)
            {
                case PresenceEventKind.Snapshot:
                    foreach (var m in e.Members ?? [])
                    {
                        _members[m.Id] = m.Data;
                    }
                    break;
                case PresenceEventKind.Joined or PresenceEventKind.Updated:
                    _members[e.Member!.Id] = e.Member.Data;
                    break;
                case PresenceEventKind.Left:
                    _members.TryRemove(e.Member!.Id, out _);
                    break;
            }
        }

        public bool Has(params string[] ids) => ids.All(_members.ContainsKey);

        public string? Data(string id) => _members.GetValueOrDefault(id);
    }
}
