namespace RxStreams.Client;

/// <summary>Options of one stream opened by an <see cref="RxStreamsClient"/>.</summary>
public sealed class StreamOpenOptions
{
    /// <summary>
    /// Resume after this offset on the first open (an offset the application kept from an earlier run). After that the
    /// client tracks the last offset it delivered and resumes from it by itself.
    /// </summary>
    public StreamOffset? ResumeAfter { get; init; }

    /// <summary>
    /// How many items the server may send before the client asks for more; the client asks again as it delivers.
    /// <see cref="Protocol.ProtocolConstants.UnboundedCredits"/> means no limit. Default 1,024.
    /// </summary>
    public uint Credits { get; init; } = 1024;

    /// <summary>
    /// Fail the stream with <see cref="StreamNotRecoveredException"/> when it cannot resume without loss, instead of
    /// reopening it from what the server still holds (and reporting <see cref="ClientEventKind.NotRecovered"/>).
    /// </summary>
    public bool FailIfNotRecovered { get; init; }
}
