using System.Collections.Concurrent;
using System.Reactive.Linq;
using RxStreams.Testing;

namespace RxStreams.Tests.Hub;

public sealed class PresenceTests
{
    [Fact]
    public async Task Watch_gives_a_snapshot_then_joins_updates_and_leaves_in_order()
    {
        var hub = Hubs.InMemory();
        var presence = hub.Presence("room");
        var early = await presence.JoinAsync(new PresenceMember("c0", "zoe"));

        var events = new ConcurrentQueue<PresenceEvent>();
        using var _ = presence.Watch().Subscribe(events.Enqueue);
        await Wait.UntilAsync(() => !events.IsEmpty, "the snapshot arrived");

        var a = await presence.JoinAsync(new PresenceMember("c1", "ann", "Ann"));
        var b = await presence.JoinAsync(new PresenceMember("c2", "bob"));
        var a2 = await presence.JoinAsync(new PresenceMember("c1", "ann", "Annie"));
        await a.DisposeAsync(); // an older handle of a member that joined again: nothing happens
        await a2.DisposeAsync();
        await early.DisposeAsync();
        await Wait.UntilAsync(() => events.Count == 6, "five changes after the snapshot");

        var list = events.ToArray();
        Assert.Equal(PresenceEventKind.Snapshot, list[0].Kind);
        Assert.Equal(["c0"], list[0].Members!.Select(m => m.Id));
        Assert.Equal(
            [(PresenceEventKind.Joined, "c1"), (PresenceEventKind.Joined, "c2"), (PresenceEventKind.Updated, "c1"), (PresenceEventKind.Left, "c1"), (PresenceEventKind.Left, "c0")],
            list.Skip(1).Select(e => (e.Kind, e.Member!.Id)));
        Assert.Equal("Annie", list[3].Member!.Data);
        Assert.Equal(["c2"], (await presence.GetMembersAsync()).Select(m => m.Id));
        await b.DisposeAsync();
        Assert.Empty(await presence.GetMembersAsync());
    }

    [Fact]
    public async Task Join_as_an_observable_is_membership_for_the_life_of_the_subscription()
    {
        var hub = Hubs.InMemory();
        var presence = hub.Presence("room");
        var watcher = new ConcurrentQueue<PresenceEvent>();
        using var watch = presence.Watch().Subscribe(watcher.Enqueue);

        var own = new ConcurrentQueue<PresenceEvent>();
        var membership = presence.Join(new PresenceMember("c1", "ann")).Subscribe(own.Enqueue);
        await Wait.UntilAsync(() => watcher.Any(e => e.Kind == PresenceEventKind.Joined), "the join was seen");
        await Wait.UntilAsync(() => own.Any(e => e.Kind == PresenceEventKind.Joined && e.Member!.Id == "c1"), "the member saw itself join");
        Assert.Single(await presence.GetMembersAsync());

        membership.Dispose();
        await Wait.UntilAsync(() => watcher.Any(e => e.Kind == PresenceEventKind.Left), "the leave was seen");
        Assert.Empty(await presence.GetMembersAsync());
    }

    [Fact]
    public async Task Disposing_an_older_handle_of_a_member_that_joined_again_does_not_remove_it()
    {
        var hub = Hubs.InMemory();
        var presence = hub.Presence("room");
        var first = await presence.JoinAsync(new PresenceMember("c1", "ann"));
        var second = await presence.JoinAsync(new PresenceMember("c1", "ann", "again"));
        await first.DisposeAsync();
        Assert.Equal("again", Assert.Single(await presence.GetMembersAsync()).Data);
        await second.DisposeAsync();
        Assert.Empty(await presence.GetMembersAsync());
    }

    [Fact]
    public async Task The_in_memory_backplane_looks_one_member_up_by_id()
    {
        var backplane = new RxStreams.Backplanes.InMemory.InMemoryBackplane(new RxStreams.Backplanes.InMemory.InMemoryBackplaneOptions());
        var ann = new PresenceMember("c1", "ann", "x");
        var handle = await backplane.JoinPresenceAsync("room", ann, CancellationToken.None);
        await using var _ = await backplane.JoinPresenceAsync("room", new PresenceMember("c2", "bob"), CancellationToken.None);
        Assert.Equal(ann, await backplane.GetPresenceMemberAsync("room", "c1", CancellationToken.None));
        Assert.Null(await backplane.GetPresenceMemberAsync("room", "c3", CancellationToken.None));
        Assert.Null(await backplane.GetPresenceMemberAsync("hall", "c1", CancellationToken.None));
        await handle.DisposeAsync();
        Assert.Null(await backplane.GetPresenceMemberAsync("room", "c1", CancellationToken.None));
    }
}
