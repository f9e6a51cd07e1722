using System.Reactive.Concurrency;
using RxStreams.Backplanes.InMemory;
using RxStreams.Channels;

namespace RxStreams.Tests.Hub;

internal static class Hubs
{
    public static StreamHub InMemory(int maxChannelLength = 1000, IScheduler? scheduler = null)
    {
        TestMessageSerializer.EnsureRegistered();
        var options = new InMemoryBackplaneOptions { MaxChannelLength = maxChannelLength };
        if (scheduler is not null)
        {
            options.Scheduler = scheduler;
        }
        return new StreamHub(new InMemoryBackplane(options), new StreamHubOptions { Scheduler = scheduler ?? DefaultScheduler.Instance });
    }
}
