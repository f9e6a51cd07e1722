using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using RxStreams.Client;
using RxStreams.Models;
using RxStreams.Testing;

namespace RxStreams.AspNetCore.Tests.Protection;

/// <summary>Realtime models with <c>ProtectStoredData()</c> on Redis: the state and the changes are stored encrypted and read back clear.</summary>
public sealed class ProtectedModelTests(ProtectionFixture fixture) : IClassFixture<ProtectionFixture>
{
    [Fact]
    public async Task A_models_state_and_changes_are_stored_without_plaintext_and_reach_clients_clear()
    {
        var prefix = fixture.NewPrefix();
        var name = Guid.NewGuid().ToString("N")[..8];
        var secret = $"old-mill-{Guid.NewGuid():N}"[..20];
        await using (var host = await fixture.HostAsync(prefix))
        {
            await using var alice = await RxStreamsClient.ConnectAsync(host.Endpoint);
            await using var bob = await RxStreamsClient.ConnectAsync(host.Endpoint);
            var seen = new ConcurrentQueue<ModelSnapshot<Notes>>();
            using var watch = bob.Model<Notes>("model/" + name).Subscribe(seen.Enqueue);
            await Wait.UntilAsync(() => !seen.IsEmpty, "bob gets the snapshot");
            var notes = alice.Model<Notes, NoteEdit>("model/" + name);
            Assert.Equal(1, await notes.EditAsync(new NoteEdit("where", secret)));
            Assert.Equal(2, await notes.EditAsync(new NoteEdit("when", "noon")));
            await Wait.UntilAsync(() => seen.LastOrDefault().Version == 2, "bob sees version 2, decrypted");
            Assert.Equal(secret, seen.Last().State.Items!["where"]);
        }

        var keys = await fixture.Raw.KeysAsync(prefix + ":");
        Assert.Contains($"{prefix}:{{rx.model:notes:{name}}}:model", keys);
        Assert.Contains(ProtectionFixture.StreamKey(prefix, $"rx.model:notes:{name}"), keys);
        Assert.False(await fixture.Raw.ContainsAsync(prefix + ":", secret), "the model's state or a change is in Redis in clear");
        Assert.False(await fixture.Raw.ContainsAsync(prefix + ":", "\"items\""), "a state's JSON is in Redis in clear");

        // Another node (the same key ring) reads the state back, clear, and goes on from it.
        await using (var host = await fixture.HostAsync(prefix))
        {
            var model = NotesModelHandler.Model(host.Services.GetRequiredService<IStreamHub>(), name);
            var now = await model.GetAsync();
            Assert.Equal(2, now.Version);
            Assert.Equal(secret, now.State.Items!["where"]);
            Assert.Equal(3, (await model.UpdateAsync(n => NotesModelHandler.Apply(n, new NoteEdit("who", "us")))).Version);
        }
    }
}
