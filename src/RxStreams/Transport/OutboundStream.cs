namespace RxStreams.Transport;

/// <summary>
/// One stream's side of a <see cref="FrameQueue"/>: whether it still takes NEXT frames and the offset of the last one
/// it queued. Both are read and written only under the queue's lock, which is what lets a fan-out deliver without a
/// lock of the stream's own: a NEXT frame is never queued after the stream ended (its ERROR or CANCEL came first under
/// that same lock), and the last offset never tears.
/// </summary>
internal abstract class OutboundStream
{
    /// <summary>Under the queue's lock: the stream ended and takes no more NEXT frames.</summary>
    internal bool Ended;

    /// <summary>Under the queue's lock: the offset of the last NEXT frame queued, if it had one.</summary>
    internal StreamOffset? LastQueued;
}
