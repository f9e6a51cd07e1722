using System.Reactive.Concurrency;

namespace RxStreams.Backplanes.InMemory;

/// <summary>Options of the in-memory backplane.</summary>
public sealed class InMemoryBackplaneOptions
{
    /// <summary>How many items a durable channel keeps when its options say nothing. Default 1,000.</summary>
    public int MaxChannelLength { get; set; } = 1000;

    /// <summary>How many items a work queue holds at most; enqueueing beyond fails. Default 1,000,000.</summary>
    public int MaxQueueLength { get; set; } = 1_000_000;

    /// <summary>The clock for timestamps and offsets and the timer for acknowledgement timeouts. Default: <see cref="DefaultScheduler.Instance"/>.</summary>
    public IScheduler Scheduler { get; set; } = DefaultScheduler.Instance;
}
