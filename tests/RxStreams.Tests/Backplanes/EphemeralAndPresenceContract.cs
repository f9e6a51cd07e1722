using System.Reactive.Linq;
using System.Reactive.Subjects;
using RxStreams.Testing;

namespace RxStreams.Tests.Backplanes;

/// <summary>Ephemeral channels and presence, as every backplane must carry them between nodes.</summary>
public abstract class EphemeralAndPresenceContract(BackplaneTarget target) : BackplaneContract(target)
{
    [Fact]
    public async Task Ephemeral_items_cross_nodes_in_order()
    {
        var store = NewStore();
        await using var a = Node(store);
        await using var b = Node(store);
        var got = new Recorder<string>();
        using var subscription = b.Hub.Ephemeral<string>("typing").Subscribe(got);
        await EphemeralOrder.AssertCrossesInOrderAsync(a.Hub.Ephemeral<string>("typing"), got, 200);
    }

    [Fact]
    public async Task A_late_subscriber_gets_no_history()
    {
        var store = NewStore();
        await using var a = Node(store);
        await using var b = Node(store);
        var publisher = a.Hub.Ephemeral<string>("typing");
        var early = new Recorder<string>();
        using var e = b.Hub.Ephemeral<string>("typing").Subscribe(early);
        await EphemeralOrder.UntilLiveAsync(publisher, early, "the early subscriber is live");
        await publisher.PublishAsync("before");
        await Wait.UntilAsync(() => early.Items.Contains("before"), "the early subscriber hears it");

        var late = new Recorder<string>();
        using var l = b.Hub.Ephemeral<string>("typing").Subscribe(late);
        await EphemeralOrder.UntilLiveAsync(publisher, late, "the late subscriber is live");
        await publisher.PublishAsync("after");
        await Wait.UntilAsync(() => early.Items.Contains("after") && late.Items.Contains("after"), "both hear the next one");
        Assert.DoesNotContain("before", late.Items);
    }

    [Fact]
    public async Task Connect_publishes_the_input_to_everyone()
    {
        var store = NewStore();
        await using var a = Node(store);
        await using var b = Node(store);
        var input = new Subject<string>();
        var seen = new Recorder<string>();
        var other = new Recorder<string>();
        using var connected = a.Hub.Ephemeral<string>("cursors").Connect(input).Subscribe(seen);
        using var watching = b.Hub.Ephemeral<string>("cursors").Subscribe(other);
        await Wait.UntilAsync(() =>
        {
            input.OnNext("ping");
            return other.Items.Contains("ping");
        }, "node B hears what node A's connection sends");
        input.OnNext("hello");
        await Wait.UntilAsync(() => seen.Items.Contains("hello") && other.Items.Contains("hello"), "the sender and node B both see it");
    }

    [Fact]
    public async Task Watch_gives_a_snapshot_then_joins_updates_and_leaves_in_order()
    {
        var store = NewStore();
        await using var a = Node(store);
        await using var b = Node(store);
        var presence = a.Hub.Presence("room");
        var early = await presence.JoinAsync(new PresenceMember("c0", "zoe"));

        var events = new Recorder<PresenceEvent>();
        using var _ = b.Hub.Presence("room").Watch().Subscribe(events);
        await Wait.UntilAsync(() => events.Count > 0, "the snapshot arrives");

        var ann = await presence.JoinAsync(new PresenceMember("c1", "ann", "Ann"));
        var bob = await presence.JoinAsync(new PresenceMember("c2", "bob"));
        var ann2 = await presence.JoinAsync(new PresenceMember("c1", "ann", "Annie"));
        await ann.DisposeAsync(); // an older handle of a member that joined again: nothing happens
        await ann2.DisposeAsync();
        await early.DisposeAsync();
        await Wait.UntilAsync(() => events.Count == 6, "five changes after the snapshot");

        var list = events.Items;
        Assert.Equal(PresenceEventKind.Snapshot, list[0].Kind);
        Assert.Equal(["c0"], list[0].Members!.Select(m => m.Id));
        Assert.Equal(
            [(PresenceEventKind.Joined, "c1"), (PresenceEventKind.Joined, "c2"), (PresenceEventKind.Updated, "c1"), (PresenceEventKind.Left, "c1"), (PresenceEventKind.Left, "c0")],
            list.Skip(1).Select(e => (e.Kind, e.Member!.Id)));
        Assert.Equal("Annie", list[3].Member!.Data);
        Assert.Equal(["c2"], (await b.Hub.Presence("room").GetMembersAsync()).Select(m => m.Id));
        await bob.DisposeAsync();
        Assert.Empty(await b.Hub.Presence("room").GetMembersAsync());
        Assert.Null(events.Error);
    }

    [Fact]
    public async Task Join_as_an_observable_is_membership_for_the_life_of_the_subscription()
    {
        var store = NewStore();
        await using var a = Node(store);
        await using var b = Node(store);
        var watcher = new Recorder<PresenceEvent>();
        using var watch = b.Hub.Presence("room").Watch().Subscribe(watcher);
        await Wait.UntilAsync(() => watcher.Count > 0, "the snapshot arrives");

        var own = new Recorder<PresenceEvent>();
        var membership = a.Hub.Presence("room").Join(new PresenceMember("c1", "ann")).Subscribe(own);
        await Wait.UntilAsync(() => watcher.Items.Any(e => e.Kind == PresenceEventKind.Joined), "node B sees the join");
        // Join emits what Watch emits: the member is in the first snapshot when its join was written before the
        // snapshot was read (across nodes, that depends on timing), or it arrives as Joined after it.
        await Wait.UntilAsync(() => own.Items.Any(e => e.Kind == PresenceEventKind.Joined ? e.Member!.Id == "c1" : e.Members?.Any(m => m.Id == "c1") == true),
            "the member sees itself, in the snapshot or joining");
        Assert.Single(await b.Hub.Presence("room").GetMembersAsync());

        membership.Dispose();
        await Wait.UntilAsync(() => watcher.Items.Any(e => e.Kind == PresenceEventKind.Left), "node B sees the leave");
        Assert.Empty(await b.Hub.Presence("room").GetMembersAsync());
    }

    [Fact]
    public async Task Disposing_an_older_handle_of_a_member_that_joined_again_does_not_remove_it()
    {
        var store = NewStore();
        await using var a = Node(store);
        await using var b = Node(store);
        var first = await a.Hub.Presence("room").JoinAsync(new PresenceMember("c1", "ann"));
        var second = await b.Hub.Presence("room").JoinAsync(new PresenceMember("c1", "ann", "again"));
        await first.DisposeAsync();
        Assert.Equal("again", Assert.Single(await a.Hub.Presence("room").GetMembersAsync()).Data);
        await second.DisposeAsync();
        Assert.Empty(await a.Hub.Presence("room").GetMembersAsync());
    }

    [Fact]
    public async Task One_member_is_looked_up_by_id_on_any_node_until_it_leaves()
    {
        var store = NewStore();
        await using var a = Node(store);
        await using var b = Node(store);
        var ann = new PresenceMember("c1", "ann", "x");
        var handle = await a.Backplane.JoinPresenceAsync("room", ann, CancellationToken.None);
        await using var _ = await a.Backplane.JoinPresenceAsync("room", new PresenceMember("c2", "bob"), CancellationToken.None);
        Assert.Equal(ann, await b.Backplane.GetPresenceMemberAsync("room", "c1", CancellationToken.None));
        Assert.Null(await b.Backplane.GetPresenceMemberAsync("room", "c3", CancellationToken.None));
        Assert.Null(await b.Backplane.GetPresenceMemberAsync("hall", "c1", CancellationToken.None));
        await handle.DisposeAsync();
        Assert.Null(await b.Backplane.GetPresenceMemberAsync("room", "c1", CancellationToken.None));
        Assert.Equal(["c2"], (await b.Backplane.GetPresenceAsync("room", CancellationToken.None)).Select(m => m.Id));
    }
}
