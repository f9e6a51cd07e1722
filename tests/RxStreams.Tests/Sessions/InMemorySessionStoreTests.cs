using RxStreams.Sessions;

namespace RxStreams.Tests.Sessions;

public sealed class InMemorySessionStoreTests
{
    [Fact]
    public async Task A_client_that_reconnects_over_and_over_cannot_grow_the_store_past_its_limit()
    {
        var store = new InMemorySessionStore(maxSessions: 100);
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 10_000; i++)
        {
            // Each handshake makes a session; later ones live longer, so the earliest go first.
            await store.SetAsync(new StreamSession($"s{i}", "mallory", now, now, []), TimeSpan.FromHours(1) + TimeSpan.FromSeconds(i));
        }
        var kept = 0;
        for (var i = 0; i < 10_000; i++)
        {
            kept += await store.GetAsync($"s{i}") is null ? 0 : 1;
        }
        Assert.InRange(kept, 1, 100);
        Assert.NotNull(await store.GetAsync("s9999"));
        Assert.Null(await store.GetAsync("s0"));
    }

    [Fact]
    public void The_limit_must_be_positive() => Assert.Throws<ArgumentOutOfRangeException>(() => new InMemorySessionStore(maxSessions: 0));
}
