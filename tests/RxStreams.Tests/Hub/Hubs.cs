using System.Reactive.Concurrency;
using RxStreams.Backplanes.InMemory;
using RxStreams.Channels;

namespace RxStreams.Tests.Hub;

internal static class Hubs
{
    public static StreamHub InMemory(int maxChannelLength = 1000, IScheduler? scheduler = null, StreamHubOptions? options = null)
    {
        TestMessageSerializer.EnsureRegistered();
        var backplaneOptions = new InMemoryBackplaneOptions { MaxChannelLength = maxChannelLength };
        if (scheduler is not null)
        {
            backplaneOptions.Scheduler = scheduler;
        }
        options ??= new StreamHubOptions();
        options.Scheduler = scheduler ?? DefaultScheduler.Instance;
        return new StreamHub(new InMemoryBackplane(backplaneOptions), options);
    }
}
