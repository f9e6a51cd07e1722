using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using RxStreams.AspNetCore.Protection;
using RxStreams.Client;
using RxStreams.Sessions;
using RxStreams.Testing;

namespace RxStreams.AspNetCore.Tests.Protection;

/// <summary>
/// <c>ProtectStoredData()</c> on the Redis backplane, proven by reading and writing Redis directly: no plaintext at
/// rest, old history readable after a key rotation, a tampered entry ends only the stream that meets it, and sessions
/// sealed.
/// </summary>
public sealed class StoredDataProtectionTests(ProtectionFixture fixture) : IClassFixture<ProtectionFixture>
{
    [Fact]
    public async Task Messages_and_queue_items_published_through_the_hub_are_stored_without_plaintext_and_read_back_clear()
    {
        foreach (var protectFirst in new[] { false, true })
        {
            var prefix = fixture.NewPrefix();
            var secret = $"meet at the old mill {Guid.NewGuid():N}";
            await using (var host = await fixture.HostAsync(prefix, protectFirst: protectFirst))
            {
                // Two clients in a room: what one says reaches the other, in clear.
                await using var alice = await RxStreamsClient.ConnectAsync(host.Endpoint);
                await using var bob = await RxStreamsClient.ConnectAsync(host.Endpoint);
                var heard = new Recorder<Say>();
                using var bobInRoom = bob.Open<Say, Say>("room/plans").Subscribe(heard);
                var aliceRoom = alice.Open<Say, Say>("room/plans");
                using var aliceInRoom = aliceRoom.Subscribe(_ => { });
                aliceRoom.OnNext(new Say(secret));
                await Wait.UntilAsync(() => heard.Items.Any(s => s.Text == secret), "Bob to hear Alice");

                // A work queue item, through the hub.
                var hub = host.Services.GetRequiredService<IStreamHub>();
                var queue = hub.Queue<Say>("jobs");
                await queue.EnqueueAsync(new Say("queued " + secret));
                var work = await Wait.ForAsync(queue.Consume("workers", "w1").FirstAsync().ToTask(), "the queued item");
                Assert.Equal("queued " + secret, work.Value.Text);
                await work.AckAsync();
            }

            var stored = await fixture.Raw.EverythingAsync(prefix + ":");
            Assert.Contains(await fixture.Raw.KeysAsync(prefix + ":"), k => k == ProtectionFixture.StreamKey(prefix, "room:plans"));
            Assert.False(await fixture.Raw.ContainsAsync(prefix + ":", secret), $"'{secret}' is in Redis in clear (protectFirst: {protectFirst}).");
            Assert.False(await fixture.Raw.ContainsAsync(prefix + ":", "\"text\""), "A message's JSON is in Redis in clear.");
            Assert.All(await fixture.Raw.StreamPayloadsAsync(ProtectionFixture.StreamKey(prefix, "room:plans")), IsDataProtectionPayload);
            Assert.NotEmpty(stored);
        }

        // The same without protection: the raw reader does find the text, so the assertions above mean something.
        var clearPrefix = fixture.NewPrefix();
        var clearSecret = $"in clear {Guid.NewGuid():N}";
        await using (var host = await fixture.HostAsync(clearPrefix, protect: false))
        {
            await host.Services.GetRequiredService<IStreamHub>().Channel<Say>("room:plans").PublishAsync(new Say(clearSecret));
        }
        Assert.True(await fixture.Raw.ContainsAsync(clearPrefix + ":", clearSecret));
    }

    [Fact]
    public async Task After_a_key_rotation_old_history_stays_readable_and_new_items_use_the_new_key()
    {
        var prefix = fixture.NewPrefix();
        await using var host = await fixture.HostAsync(prefix);
        var hub = host.Services.GetRequiredService<IStreamHub>();
        var channel = hub.Channel<Tick>("feed:rotation");
        for (var i = 0; i < 3; i++)
        {
            await channel.PublishAsync(new Tick(i));
        }
        var key = ProtectionFixture.StreamKey(prefix, "feed:rotation");
        var oldKeyId = KeyIdOf((await fixture.Raw.StreamPayloadsAsync(key))[0]);

        // Rotate: a new key, active now; nothing revoked.
        var keys = host.Services.GetRequiredService<IKeyManager>();
        var created = keys.CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));
        Assert.NotEqual(oldKeyId, created.KeyId);
        // The key ring is refreshed in the background: new items use the new key once the node sees it.
        var probe = host.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("probe");
        await Wait.UntilAsync(() => KeyIdOf(probe.Protect([1])) == created.KeyId, "the new key to be the default");
        for (var i = 3; i < 6; i++)
        {
            await channel.PublishAsync(new Tick(i));
        }

        var ids = (await fixture.Raw.StreamPayloadsAsync(key)).Select(KeyIdOf).ToArray();
        Assert.Equal([oldKeyId, oldKeyId, oldKeyId, created.KeyId, created.KeyId, created.KeyId], ids);

        // A client reading from the start gets every item, both keys' alike.
        await using var client = await RxStreamsClient.ConnectAsync(host.Endpoint);
        var feed = new Recorder<Tick>();
        using var reading = client.Subscribe<Tick>("feed/rotation").Subscribe(feed);
        await Wait.UntilAsync(() => feed.Items.Count == 6, "the whole history");
        Assert.Equal([0, 1, 2, 3, 4, 5], feed.Items.Select(t => t.N));
        Assert.False(feed.Ended.IsCompleted);
    }

    [Fact]
    public async Task A_tampered_entry_ends_the_streams_that_meet_it_with_undecryptable_while_another_channel_keeps_working()
    {
        var prefix = fixture.NewPrefix();
        var logs = new LogCollector();
        await using var host = await fixture.HostAsync(prefix, logs: logs);
        var hub = host.Services.GetRequiredService<IStreamHub>();
        var a = hub.Channel<Tick>("feed:a", new StreamChannelOptions { MaxLength = 100_000 });
        var b = hub.Channel<Tick>("feed:b", new StreamChannelOptions { MaxLength = 100_000 });
        await using var client = await RxStreamsClient.ConnectAsync(host.Endpoint);

        // Live readers of both channels, caught up.
        var liveA = new Recorder<Tick>();
        var liveB = new Recorder<Tick>();
        using var subA = client.Subscribe<Tick>("feed/a").Subscribe(liveA);
        using var subB = client.Subscribe<Tick>("feed/b").Subscribe(liveB);
        await a.PublishAsync(new Tick(1));
        await b.PublishAsync(new Tick(1));
        await Wait.UntilAsync(() => liveA.Items.Count == 1 && liveB.Items.Count == 1, "both live readers to get their first item");

        // Someone with write access to Redis appends garbage to feed:a; the next real item wakes the readers.
        await fixture.Raw.AppendAsync(ProtectionFixture.StreamKey(prefix, "feed:a"), Encoding.UTF8.GetBytes("{\"n\":666}"));
        await a.PublishAsync(new Tick(2));

        var error = Assert.IsType<StreamException>(await Wait.ForAsync(liveA.Ended, "feed/a's live stream to end"));
        Assert.Equal(StreamErrorCodes.Undecryptable, error.Code);
        Assert.Equal([1], liveA.Items.Select(t => t.N));

        // A reader of the history meets it too (the page holding it fails as a whole) and gets nothing after it.
        var fromStart = new Recorder<Tick>();
        using var replay = client.Subscribe<Tick>("feed/a").Subscribe(fromStart);
        var replayError = Assert.IsType<StreamException>(await Wait.ForAsync(fromStart.Ended, "feed/a's replay to end"));
        Assert.Equal(StreamErrorCodes.Undecryptable, replayError.Code);
        Assert.DoesNotContain(fromStart.Items, t => t.N != 1);

        // The other channel, on the same connection and node, goes on.
        await b.PublishAsync(new Tick(2));
        await b.PublishAsync(new Tick(3));
        await Wait.UntilAsync(() => liveB.Items.Count == 3, "feed/b to go on");
        Assert.Equal([1, 2, 3], liveB.Items.Select(t => t.N));
        Assert.False(liveB.Ended.IsCompleted);
        Assert.Equal(ConnectionState.Connected, client.CurrentState);

        // A work queue: a tampered item ends the consumer that meets it, with the same code; another queue goes on.
        var jobs = hub.Queue<Tick>("jobs");
        var otherJobs = hub.Queue<Tick>("other-jobs");
        var consumer = new Recorder<Tick>();
        using var consuming = jobs.Consume("workers", "w1").Select(w => w.Value).Subscribe(consumer);
        await jobs.EnqueueAsync(new Tick(1));
        await Wait.UntilAsync(() => consumer.Items.Count == 1, "the first job");
        await fixture.Raw.AppendAsync($"{prefix}:{{jobs}}:queue", Encoding.UTF8.GetBytes("{\"n\":666}"));
        await jobs.EnqueueAsync(new Tick(2));
        var queueError = Assert.IsType<StreamException>(await Wait.ForAsync(consumer.Ended, "the consumer to end"));
        Assert.Equal(StreamErrorCodes.Undecryptable, queueError.Code);
        Assert.Equal([1], consumer.Items.Select(t => t.N));
        await otherJobs.EnqueueAsync(new Tick(3));
        var other = await Wait.ForAsync(otherJobs.Consume("workers", "w2").FirstAsync().ToTask(), "a job of the other queue");
        Assert.Equal(3, other.Value.N);

        // The server logged it (event 2901) and nothing failed unexpectedly.
        Assert.Contains(logs.Entries, e => e.Id.Id == 2901 && e.Message.Contains("feed:a", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error && e.Id.Id != 2901);
    }

    [Fact]
    public async Task Sessions_are_stored_sealed_and_a_tampered_session_is_a_fresh_one()
    {
        var prefix = fixture.NewPrefix();
        await using var host = await fixture.HostAsync(prefix);
        var route = $"feed/secret-project-{Guid.NewGuid():N}";
        var channel = host.Services.GetRequiredService<IStreamHub>().Channel<Tick>("feed:" + route["feed/".Length..]);
        await channel.PublishAsync(new Tick(7));
        string sessionId;
        await using (var client = await RxStreamsClient.ConnectAsync(host.Endpoint))
        {
            sessionId = client.SessionId;
            var feed = new Recorder<Tick>();
            using var reading = client.Subscribe<Tick>(route).Subscribe(feed);
            await Wait.UntilAsync(() => feed.Items.Count == 1, "the item");
        }

        // The connection ended: its session (with the stream's route and offset) is saved, sealed.
        var key = ProtectionFixture.SessionKey(prefix, sessionId);
        await Wait.UntilAsync(async () => await fixture.Raw.GetAsync(key) is { } v && Encoding.UTF8.GetString(v).Contains(ProtectedSessionPrefix, StringComparison.Ordinal)
            && (await host.Services.GetRequiredService<IStreamSessionStore>().GetAsync(sessionId))?.Streams.Count == 1, "the session to be saved with its stream");
        var raw = Encoding.UTF8.GetString((await fixture.Raw.GetAsync(key))!);
        Assert.DoesNotContain("secret-project", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("route", raw, StringComparison.Ordinal);

        // Read back through the store: clear again.
        var store = host.Services.GetRequiredService<IStreamSessionStore>();
        var session = await store.GetAsync(sessionId);
        Assert.NotNull(session);
        Assert.Equal(route, Assert.Single(session.Streams).Route);
        Assert.NotNull(session.Streams[0].Offset);

        // A sealed value copied from another session, or garbage, is refused: a fresh session, no crash.
        await store.SetAsync(session with { Id = "other-session" }, TimeSpan.FromMinutes(5));
        var copied = await fixture.Raw.GetAsync(ProtectionFixture.SessionKey(prefix, "other-session"));
        await fixture.Raw.SetAsync(key, Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(copied!).Replace("other-session", sessionId, StringComparison.Ordinal)));
        Assert.Null(await store.GetAsync(sessionId));
        await fixture.Raw.SetAsync(key, Encoding.UTF8.GetBytes(raw.Replace(ProtectedSessionPrefix, ProtectedSessionPrefix + "AAAA", StringComparison.Ordinal)));
        Assert.Null(await store.GetAsync(sessionId));
    }

    [Fact]
    public async Task On_the_in_memory_backplane_items_are_kept_encrypted_too_and_read_back_clear()
    {
        await using var host = await KestrelHost.StartAsync(configureServices: rx => rx.ProtectStoredData());
        Assert.IsType<ProtectedSessionStore>(host.Services.GetRequiredService<IStreamSessionStore>());
        var hub = host.Services.GetRequiredService<IStreamHub>();
        await hub.Channel<Say>("room:memory").PublishAsync(new Say("kept in memory"));

        // Underneath, the in-memory backplane holds the encrypted payload.
        var underneath = host.Services.GetRequiredKeyedService<RxStreams.Backplanes.StreamBackplane>(StoredDataProtection.InnerKey);
        Assert.IsType<RxStreams.Backplanes.InMemory.InMemoryBackplane>(underneath);
        var stored = await underneath.ReadAsync("room:memory", StreamOffset.Start, 10, CancellationToken.None);
        IsDataProtectionPayload(Assert.Single(stored.Entries).Payload.ToArray());

        await using var client = await RxStreamsClient.ConnectAsync(host.Endpoint);
        var room = new Recorder<Say>();
        using var reading = client.Open<Say, Say>("room/memory").Subscribe(room);
        await Wait.UntilAsync(() => room.Items.Any(s => s.Text == "kept in memory"), "the item, decrypted");
    }

    [Fact]
    public async Task A_backplane_or_session_store_registered_after_ProtectStoredData_is_refused_at_startup_not_used_in_clear()
    {
        var backplane = new ServiceCollection().AddRxStreams().ProtectStoredData();
        backplane.Services.AddSingleton<RxStreams.Backplanes.StreamBackplane>(new RxStreams.Backplanes.InMemory.InMemoryBackplane());
        await using (var services = backplane.Services.BuildServiceProvider())
        {
            var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IStreamHub>());
            Assert.Contains("ProtectStoredData()", error.Message);
        }

        var sessions = new ServiceCollection().AddRxStreams().ProtectStoredData();
        sessions.Services.AddSingleton<IStreamSessionStore>(new InMemorySessionStore());
        await using (var services = sessions.Services.BuildServiceProvider())
        {
            var error = Assert.Throws<InvalidOperationException>(() => StoredDataProtection.Checked(services, services.GetRequiredService<IStreamSessionStore>()));
            Assert.Contains("IStreamSessionStore", error.Message);
        }

        // Registered before it, both are wrapped and accepted.
        var ordered = new ServiceCollection();
        ordered.AddSingleton<RxStreams.Backplanes.StreamBackplane>(new RxStreams.Backplanes.InMemory.InMemoryBackplane());
        ordered.AddRxStreams().ProtectStoredData();
        await using var accepted = ordered.BuildServiceProvider();
        Assert.NotNull(accepted.GetRequiredService<IStreamHub>());
    }

    private const string ProtectedSessionPrefix = "rxs-dp1:";

    /// <summary>Data Protection's payload header: magic 0x09F0C9F0, then the 16-byte id of the key.</summary>
    private static void IsDataProtectionPayload(byte[] payload)
        => Assert.True(payload.Length > 20 && payload[0] == 0x09 && payload[1] == 0xF0 && payload[2] == 0xC9 && payload[3] == 0xF0, "not a Data Protection payload");

    private static Guid KeyIdOf(byte[] payload)
    {
        IsDataProtectionPayload(payload);
        return new Guid(payload.AsSpan(4, 16));
    }
}
