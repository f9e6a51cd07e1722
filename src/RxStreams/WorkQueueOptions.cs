namespace RxStreams;

/// <summary>Options of one work-queue consumer.</summary>
public sealed class WorkQueueOptions
{
    /// <summary>The most items pending (delivered, not yet acknowledged) for the consumer at a time. Default 16.</summary>
    public int Prefetch { get; init; } = 16;

    /// <summary>
    /// How long an item may stay pending before another consumer of the group may take it. Default 30 seconds.
    /// It also bounds how long a dead node's items wait before they are processed elsewhere.
    /// </summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Prefetch, 1, nameof(Prefetch));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(AckTimeout, TimeSpan.Zero, nameof(AckTimeout));
    }
}
