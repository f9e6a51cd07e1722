namespace RxStreams.Channels;

/// <summary>
/// Paces history replay by what the consumer can take. A host sets <see cref="Current"/> while it subscribes a
/// stream's pipeline; a <see cref="IStreamChannel{T}.From"/> subscription made during that call (through any Rx
/// operators) picks it up and, between history items, waits while the consumer has too much pending. Live items are
/// never held back: only replay, which would otherwise push a whole history into one connection at once.
/// </summary>
internal abstract class StreamDemand
{
    [ThreadStatic]
    private static StreamDemand? t_current;

    /// <summary>The demand of the stream being subscribed on this thread, if any.</summary>
    public static StreamDemand? Current => t_current;

    /// <summary>Sets <see cref="Current"/> for the duration of a subscription; dispose the result to restore it.</summary>
    public static Scope Enter(StreamDemand demand)
    {
        var previous = t_current;
        t_current = demand;
        return new Scope(previous);
    }

    /// <summary>True when the consumer can take more now.</summary>
    public abstract bool HasDemand { get; }

    /// <summary>
    /// What the consumer's connection lets a replay hold for it (the live items buffered meanwhile), or null when
    /// only <see cref="StreamHubOptions.CatchUpBufferLength"/> bounds them.
    /// </summary>
    public virtual Routing.IMemoryBudget? Budget => null;

    /// <summary>Completes when the consumer can take more (or the stream ended).</summary>
    public abstract ValueTask WaitAsync(CancellationToken cancellationToken);

    public readonly struct Scope(StreamDemand? previous) : IDisposable
    {
        public void Dispose() => t_current = previous;
    }
}
