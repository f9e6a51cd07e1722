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
        var kept = new List<int>();
        for (var i = 0; i < 10_000; i++)
        {
            if (await store.GetAsync($"s{i}") is not null)
            {
                kept.Add(i);
            }
        }
        Assert.InRange(kept.Count, 1, 100);
        // The ones closest to expiring went first: what is left is the latest sessions, with no gap.
        Assert.Equal(Enumerable.Range(10_000 - kept.Count, kept.Count), kept);
    }

    [Fact]
    public void The_limit_must_be_positive() => Assert.Throws<ArgumentOutOfRangeException>(() => new InMemorySessionStore(maxSessions: 0));
}
