using System.Reactive.Concurrency;

namespace RxStreams.Channels;

/// <summary>Options of the <see cref="StreamHub"/>.</summary>
public sealed class StreamHubOptions
{
    /// <summary>How many history items a catching-up subscriber reads per round trip. Default 256.</summary>
    public int HistoryPageSize { get; set; } = 256;

    /// <summary>
    /// How many live items a catching-up subscriber keeps while it replays history. Past it (or past what the host's
    /// connection may hold) they are dropped and read again from history when the replay gets there, so memory stays
    /// bounded whatever the subscriber's pace. Default 4,096.
    /// </summary>
    public int CatchUpBufferLength { get; set; } = 4096;

    /// <summary>The first delay before retrying a history read when the backplane is unavailable. Default 100 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest delay between retries (the delay doubles up to it). Default 5 seconds.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The scheduler for retry delays. Default <see cref="DefaultScheduler.Instance"/>.</summary>
    public IScheduler Scheduler { get; set; } = DefaultScheduler.Instance;
}
