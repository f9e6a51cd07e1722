using RxStreams.Testing;

namespace RxStreams.Tests.Redis;

/// <summary>The ephemeral check the Redis tests share: items published on one node reach another's subscriber, all of them, in order.</summary>
internal static class EphemeralOrder
{
    /// <summary>
    /// Publishes <c>ping</c> until <paramref name="received"/> hears one (what is published before the Redis
    /// subscription is confirmed is lost), then <c>m0</c> … <c>m{count - 1}</c>, and checks they all arrive, in order.
    /// </summary>
    public static async Task AssertCrossesInOrderAsync(IEphemeralChannel<string> publisher, Recorder<string> received, int count)
    {
        await Wait.UntilAsync(async () =>
        {
            await publisher.PublishAsync("ping");
            return received.Count > 0;
        }, "the subscription on the other node is live");
        for (var i = 0; i < count; i++)
        {
            await publisher.PublishAsync($"m{i}");
        }
        await Wait.UntilAsync(() => received.Items.Count(x => x.StartsWith('m')) == count, $"the other node receives the {count} messages");
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"m{i}"), received.Items.Where(x => x.StartsWith('m')));
        Assert.False(received.Overlapped);
    }
}
