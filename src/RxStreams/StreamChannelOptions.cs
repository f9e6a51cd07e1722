namespace RxStreams;

/// <summary>Options of one durable channel.</summary>
public sealed class StreamChannelOptions
{
    /// <summary>
    /// How many items the history keeps (approximately, for Redis: <c>XADD MAXLEN ~</c>).
    /// Null uses the backplane's default.
    /// </summary>
    public int? MaxLength { get; init; }
}
