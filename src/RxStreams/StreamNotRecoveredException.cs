namespace RxStreams;

/// <summary>
/// A durable stream was asked to resume from an offset its history no longer holds (it was trimmed, or the channel
/// began a new life since), so items after that offset are lost. RxStreams never skips such a gap silently: the
/// stream ends with this error (code <see cref="StreamErrorCodes.NotRecovered"/>) and the subscriber decides, usually
/// by reading again from <see cref="StreamOffset.Start"/>. The clients do that for you and tell the application.
/// </summary>
public sealed class StreamNotRecoveredException : StreamException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="requested">The offset the subscriber asked to resume after.</param>
    /// <param name="firstAvailable">The first offset the channel still holds, or null when it holds nothing.</param>
    public StreamNotRecoveredException(string channel, StreamOffset requested, StreamOffset? firstAvailable)
        : base(StreamErrorCodes.NotRecovered, firstAvailable is { } first
            ? $"Channel '{channel}' no longer holds the items after {requested}: its history now starts at {first}."
            : $"Channel '{channel}' no longer holds the items after {requested}: its history is empty.")
    {
        Channel = channel;
        Requested = requested;
        Offset = firstAvailable;
    }

    /// <summary>The channel.</summary>
    public string Channel { get; }

    /// <summary>The offset the subscriber asked to resume after.</summary>
    public StreamOffset Requested { get; }
}
