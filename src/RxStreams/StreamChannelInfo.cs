namespace RxStreams;

/// <summary>The bounds of a durable channel's history.</summary>
/// <param name="Name">The channel name.</param>
/// <param name="Epoch">
/// Where the channel's current life began: offsets at or below it belong to items appended before the history was
/// created anew (a restarted in-memory node, a flushed Redis). Resuming from such an offset is not recovered.
/// </param>
/// <param name="TrimmedThrough">The last offset removed from the history by trimming, or <see cref="StreamOffset.Start"/> when none was.</param>
/// <param name="First">The first offset the history holds, or null when it is empty.</param>
/// <param name="Last">The last offset ever appended in this life (it may have been trimmed since), or null when none was.</param>
/// <param name="Length">How many items the history holds.</param>
public sealed record StreamChannelInfo(string Name, StreamOffset Epoch, StreamOffset TrimmedThrough, StreamOffset? First, StreamOffset? Last, long Length)
{
    /// <summary>
    /// True when every item after <paramref name="offset"/> is still in the history, so reading from it loses nothing.
    /// <see cref="StreamOffset.Start"/> is always recoverable: it asks for whatever the history holds.
    /// </summary>
    public bool CanResumeAfter(StreamOffset offset) => offset.IsStart || (offset >= Epoch && offset >= TrimmedThrough);
}
