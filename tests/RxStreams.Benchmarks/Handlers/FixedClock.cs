namespace RxStreams.Benchmarks.Handlers;

/// <summary>The benchmarks' clock.</summary>
public sealed class FixedClock : IClock
{
    public DateTimeOffset Now { get; } = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
}
