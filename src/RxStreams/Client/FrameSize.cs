using RxStreams.Protocol;

namespace RxStreams.Client;

/// <summary>
/// The client's own check that a frame fits the connection. The server closes a connection on a frame above its limit
/// (<c>frame_too_large</c>), which would fail every call and stream on it; refusing the frame here fails only the
/// message, request or answer that is too large.
/// </summary>
internal static class FrameSize
{
    /// <summary>The <c>frame_too_large</c> error when a frame of <paramref name="frameLength"/> bytes exceeds <paramref name="maxFrameSize"/>; null when it fits.</summary>
    /// <param name="frameLength">The frame's size on the wire (FrameWriter's Get…Length).</param>
    /// <param name="maxFrameSize">The largest frame the connection carries.</param>
    /// <param name="what">What is being sent ("A message", "A request", "An answer"), for the error message.</param>
    public static StreamException? Check(int frameLength, int maxFrameSize, string what)
        => frameLength > maxFrameSize
            ? new StreamException(StreamErrorCodes.FrameTooLarge, $"{what} of {frameLength} bytes does not fit in a frame (max {maxFrameSize} bytes).")
            : null;

    /// <summary>The largest a NEXT frame carrying <paramref name="payloadLength"/> bytes can be, whatever its stream id.</summary>
    public static int Next(int payloadLength) => FrameWriter.GetNextFrameLength(uint.MaxValue, null, payloadLength);

    /// <summary>The largest an OPEN frame with a payload (a request) can be, whatever its stream id and credits.</summary>
    public static int Request(string route, byte[] payload) => FrameWriter.GetFrameLength(new Frame
    {
        Type = FrameType.Open,
        StreamId = uint.MaxValue,
        Route = route,
        Credits = uint.MaxValue,
        HasPayload = true,
        Payload = new(payload),
    });
}
