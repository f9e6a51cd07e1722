using System.Collections.Concurrent;
using System.Reactive.Linq;
using Microsoft.Extensions.DependencyInjection;
using RxStreams.Client;
using RxStreams.Models;
using RxStreams.Testing;

namespace RxStreams.AspNetCore.Tests;

/// <summary>Model streams end to end: a real Kestrel host, the .NET client's <c>client.Model&lt;T&gt;(route)</c>.</summary>
public sealed class ModelTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private KestrelHost Host => server.Host;

    private IStreamHub Hub => Host.Services.GetRequiredService<IStreamHub>();

    [Fact]
    public async Task Two_clients_see_whole_states_and_each_others_edits_and_a_refused_edit_changes_nothing()
    {
        var name = Guid.NewGuid().ToString("N");
        await using var alice = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        await using var bob = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        var aliceModel = alice.Model<Notes, NoteEdit>("model/" + name);
        using var aliceWatch = aliceModel.Subscribe(_ => { });
        var bobStates = new ConcurrentQueue<ModelSnapshot<Notes>>();
        using var watch = bob.Model<Notes>("model/" + name).Subscribe(bobStates.Enqueue);
        await Wait.UntilAsync(() => !bobStates.IsEmpty, "bob gets the snapshot");
        Assert.Equal(0, bobStates.First().Version);

        Assert.Equal(1, await aliceModel.EditAsync(new NoteEdit("milk", "2 l")));
        Assert.Equal(2, await aliceModel.EditAsync(new NoteEdit("bread", "1")));
        var refused = await Assert.ThrowsAsync<StreamException>(() => aliceModel.EditAsync(new NoteEdit("", "x")));
        Assert.Equal(StreamErrorCodes.EditRefused, refused.Code);
        Assert.Equal("A key has 1 to 20 characters.", refused.Message);
        Assert.Equal(3, await aliceModel.EditAsync(new NoteEdit("milk", null)));

        await Wait.UntilAsync(() => bobStates.LastOrDefault().Version == 3, "bob reaches version 3");
        Assert.Equal([0, 1, 2, 3], bobStates.Select(s => s.Version));
        Assert.Equal(new Dictionary<string, string> { ["bread"] = "1" }, bobStates.Last().State.Items);
        Assert.Equal(["milk"], bobStates.ElementAt(1).State.Items!.Keys);
        Assert.Equal(3, (await NotesModelHandler.Model(Hub, name).GetAsync()).Version);
        // An edit's answer and the change it made travel apart: the state with it follows the answer.
        await Wait.UntilAsync(() => aliceModel.Current?.Version == 3, "alice's own state reaches version 3");
    }

    [Fact]
    public async Task A_client_that_reconnects_gets_the_changes_since_its_version_or_a_fresh_snapshot()
    {
        var name = Guid.NewGuid().ToString("N");
        var model = NotesModelHandler.Model(Hub, name);
        await using var client = await RxStreamsClient.ConnectAsync(Host.Endpoint, new RxStreamsClientOptions { ReconnectDelay = TimeSpan.FromSeconds(1) });
        var reconnecting = 0;
        using var states = client.State.Where(s => s == ConnectionState.Reconnecting).Subscribe(_ => Interlocked.Increment(ref reconnecting));
        var seen = new ConcurrentQueue<ModelSnapshot<Notes>>();
        using var watch = client.Model<Notes>("model/" + name).Subscribe(seen.Enqueue);
        await Wait.UntilAsync(() => !seen.IsEmpty, "the snapshot");
        await model.UpdateAsync(n => NotesModelHandler.Apply(n, new NoteEdit("a", "1")));
        await Wait.UntilAsync(() => seen.LastOrDefault().Version == 1, "version 1");

        // Cut: two changes while away, within the history (5): they come back as changes, in order.
        await CutAsync(() => reconnecting, async () =>
        {
            await model.UpdateAsync(n => NotesModelHandler.Apply(n, new NoteEdit("b", "2")));
            await model.UpdateAsync(n => NotesModelHandler.Apply(n, new NoteEdit("c", "3")));
        });
        await Wait.UntilAsync(() => seen.LastOrDefault().Version == 3, "version 3 after the reconnection");
        Assert.Equal([0, 1, 2, 3], seen.Select(s => s.Version));

        // Cut: twenty changes while away, more than the history holds: a fresh snapshot at version 23.
        await CutAsync(() => reconnecting, async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await model.UpdateAsync(n => NotesModelHandler.Apply(n, new NoteEdit($"k{i}", $"{i}")));
            }
        });
        await Wait.UntilAsync(() => seen.LastOrDefault().Version == 23, "version 23 after the reconnection");
        Assert.Equal([0, 1, 2, 3, 23], seen.Select(s => s.Version));
        var final = (await model.GetAsync()).State.Items!;
        Assert.Equal(final, seen.Last().State.Items);
        Assert.Equal(23, final.Count);
    }

    /// <summary>Drops every connection, runs <paramref name="whileAway"/> once the client knows, and lets it come back.</summary>
    private async Task CutAsync(Func<int> reconnecting, Func<Task> whileAway)
    {
        var before = reconnecting();
        foreach (var connection in Host.Services.GetConnectionHandler().Connections)
        {
            try
            {
                connection.AbortForTests();
            }
            catch (ObjectDisposedException)
            {
                // A connection of another test, closing as we looked: nothing to cut.
            }
        }
        await Wait.UntilAsync(() => reconnecting() > before, "the client noticed the cut");
        await whileAway();
    }
}
