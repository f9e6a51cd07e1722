using RxStreams.Testing;

namespace RxStreams.Tests.Backplanes;

/// <summary>The ephemeral checks the backplane tests share: a subscription is live, and items cross nodes in order.</summary>
internal static class EphemeralOrder
{
    /// <summary>
    /// Publishes <c>ping</c> until <paramref name="received"/> hears one: what is published before a backplane's
    /// subscription is confirmed may be lost (ephemeral means no history).
    /// </summary>
    public static Task UntilLiveAsync(IEphemeralChannel<string> publisher, Recorder<string> received, string what)
        => Wait.UntilAsync(async () =>
        {
            await publisher.PublishAsync("ping");
            return received.Items.Contains("ping");
        }, what);

    /// <summary>
    /// Waits until <paramref name="received"/> is live, publishes <c>m0</c> … <c>m{count - 1}</c>, and checks they all
    /// arrive, in order, one at a time.
    /// </summary>
    public static async Task AssertCrossesInOrderAsync(IEphemeralChannel<string> publisher, Recorder<string> received, int count)
    {
        await UntilLiveAsync(publisher, received, "the subscription on the other node is live");
        for (var i = 0; i < count; i++)
        {
            await publisher.PublishAsync($"m{i}");
        }
        await Wait.UntilAsync(() => received.Items.Count(x => x.StartsWith('m')) == count, $"the other node receives the {count} messages");
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"m{i}"), received.Items.Where(x => x.StartsWith('m')));
        Assert.False(received.Overlapped);
    }
}
