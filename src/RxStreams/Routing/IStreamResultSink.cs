using System.ComponentModel;

namespace RxStreams.Routing;

/// <summary>
/// Where a <see cref="StreamHandlerResult"/> delivers its items: implemented by hosts (one per open stream).
/// Calls are serialized. The sink decides what to do with credits and limits.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IStreamResultSink
{
    /// <summary>
    /// An item whose payload is immutable and may be kept without copying (the bytes a channel holds, shared by
    /// every subscriber of the node: this is how a message is serialized once, whatever the number of recipients).
    /// </summary>
    void OnNextShared(ReadOnlyMemory<byte> payload, StreamOffset? offset);

    /// <summary>An item whose payload is only valid during the call.</summary>
    void OnNext(ReadOnlySpan<byte> payload, StreamOffset? offset);

    /// <summary>The result completed.</summary>
    void OnCompleted();

    /// <summary>The result failed.</summary>
    void OnError(Exception error);
}
