using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace RxStreams.Protocol;

/// <summary>
/// Writes frames (docs/protocol.md). Each method writes one frame with its length prefix, <c>varint frameLength,
/// frame</c>, into <c>output</c>: a WebSocket message is what a sender writes between two flushes, one frame or several.
/// </summary>
/// <remarks>
/// The methods check their arguments (a stream id of 0, a REQUEST of 0, an error code that is not snake_case,
/// a string that is not valid UTF-16 …) and throw <see cref="ArgumentException"/> rather than write a frame the peer
/// would refuse. They do not know the peer's maximum frame size: use <see cref="GetNextFrameLength"/> or
/// <see cref="GetFrameLength"/> to check before writing. <see cref="WriteNext(IBufferWriter{byte}, uint, StreamOffset?, ReadOnlySpan{byte})"/> allocates nothing.
/// </remarks>
public static class FrameWriter
{
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes HELLO: the first frame of a client.</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="version">The protocol version, <see cref="ProtocolConstants.Version"/>.</param>
    /// <param name="sessionId">The session to resume, or empty for a new session.</param>
    public static void WriteHello(IBufferWriter<byte> output, uint version, string sessionId)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(sessionId);
        var sessionBytes = Utf8Length(sessionId, nameof(sessionId));
        var span = Begin(output, 1L + Varint.Length(version) + StringLength(sessionBytes), out var i, out var total);
        span[i++] = (byte)FrameType.Hello;
        Varint.Write(span, ref i, version);
        WriteString(span, ref i, sessionId, sessionBytes);
        Finish(output, i, total);
    }

    /// <summary>Writes WELCOME: the server's answer to HELLO.</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="version">The protocol version, <see cref="ProtocolConstants.Version"/>.</param>
    /// <param name="sessionId">The session id of the connection (the one in HELLO when resumed).</param>
    /// <param name="resumed">True when the server knew the session id the client sent.</param>
    /// <param name="keepAliveMilliseconds">The keepalive interval in milliseconds; 0 for none.</param>
    /// <param name="maxFrameSize">The largest WebSocket message either side may send, in bytes.</param>
    public static void WriteWelcome(IBufferWriter<byte> output, uint version, string sessionId, bool resumed, uint keepAliveMilliseconds, uint maxFrameSize)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(sessionId);
        var sessionBytes = Utf8Length(sessionId, nameof(sessionId));
        var body = 1L + Varint.Length(version) + StringLength(sessionBytes) + 1 + Varint.Length(keepAliveMilliseconds) + Varint.Length(maxFrameSize);
        var span = Begin(output, body, out var i, out var total);
        span[i++] = (byte)FrameType.Welcome;
        Varint.Write(span, ref i, version);
        WriteString(span, ref i, sessionId, sessionBytes);
        span[i++] = resumed ? FrameFlags.Resumed : (byte)0;
        Varint.Write(span, ref i, keepAliveMilliseconds);
        Varint.Write(span, ref i, maxFrameSize);
        Finish(output, i, total);
    }

    /// <summary>Writes OPEN: opens stream <paramref name="streamId"/> on <paramref name="route"/>.</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="streamId">The new stream's id: odd when a client opens it, even when the server does; never 0.</param>
    /// <param name="route">The route, e.g. <c>"chat/lobby"</c>.</param>
    /// <param name="resumeOffset">The last offset the opener received on this stream before reconnecting, or null.</param>
    /// <param name="credits">NEXT frames the responder may send before a REQUEST; <see cref="ProtocolConstants.UnboundedCredits"/> for no limit.</param>
    /// <param name="payload">The request or first input item (UTF-8 JSON); must be empty when <paramref name="hasPayload"/> is false.</param>
    /// <param name="hasPayload">True to send a payload (HAS_PAYLOAD), even an empty one.</param>
    public static void WriteOpen(IBufferWriter<byte> output, uint streamId, string route, StreamOffset? resumeOffset, uint credits, ReadOnlySpan<byte> payload, bool hasPayload)
    {
        ArgumentNullException.ThrowIfNull(output);
        var span = BeginOpen(output, streamId, route, resumeOffset, credits, payload.Length, hasPayload, out var i, out var total);
        payload.CopyTo(span[i..]);
        Finish(output, i + payload.Length, total);
    }

    /// <summary>Writes NEXT: one item of stream <paramref name="streamId"/>. Allocates nothing.</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="streamId">The stream id; never 0.</param>
    /// <param name="offset">The item's offset in its channel (resumable streams), or null.</param>
    /// <param name="payload">The item, UTF-8 JSON (not checked).</param>
    public static void WriteNext(IBufferWriter<byte> output, uint streamId, StreamOffset? offset, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(output);
        var span = BeginNext(output, streamId, offset, payload.Length, out var i, out var total);
        payload.CopyTo(span[i..]);
        Finish(output, i + payload.Length, total);
    }

    /// <summary>
    /// Writes NEXT into <paramref name="destination"/>, which must hold <see cref="GetNextFrameLength"/> bytes (a send
    /// loop writing straight into its outgoing batch); returns the bytes written.
    /// </summary>
    internal static int WriteNext(Span<byte> destination, uint streamId, StreamOffset? offset, ReadOnlySpan<byte> payload)
    {
        ArgumentOutOfRangeException.ThrowIfZero(streamId);
        var index = 0;
        Varint.Write(destination, ref index, (ulong)NextBodyLength(streamId, offset, payload.Length));
        destination[index++] = (byte)FrameType.Next;
        Varint.Write(destination, ref index, streamId);
        destination[index++] = offset.HasValue ? FrameFlags.HasOffset : (byte)0;
        WriteOffset(destination, ref index, offset);
        payload.CopyTo(destination[index..]);
        return index + payload.Length;
    }

    /// <summary>Writes COMPLETE: the sender has no more items for stream <paramref name="streamId"/>.</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="streamId">The stream id; never 0.</param>
    public static void WriteComplete(IBufferWriter<byte> output, uint streamId) => WriteIdOnly(output, FrameType.Complete, streamId);

    /// <summary>Writes ERROR: ends stream <paramref name="streamId"/>, or with 0 the whole connection, with a code and a message.</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="streamId">The stream id, or 0 for the connection (which the sender then closes).</param>
    /// <param name="code">Lower-case snake_case, from <see cref="StreamErrorCodes"/> or the application's own.</param>
    /// <param name="message">A message for people; may be empty.</param>
    /// <param name="offset">For <see cref="StreamErrorCodes.NotRecovered"/>, the first offset the channel still holds; otherwise null.</param>
    public static void WriteError(IBufferWriter<byte> output, uint streamId, string code, string message, StreamOffset? offset = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(message);
        if (!ErrorCode.IsValid(code))
        {
            throw new ArgumentException($"The error code \"{code}\" is not lower-case snake_case (a letter a-z, then a-z, 0-9 or _).", nameof(code));
        }
        var codeBytes = code.Length; // ASCII, checked above
        var messageBytes = Utf8Length(message, nameof(message));
        var body = 1L + Varint.Length(streamId) + 1 + StringLength(codeBytes) + StringLength(messageBytes) + OffsetLength(offset);
        var span = Begin(output, body, out var i, out var total);
        span[i++] = (byte)FrameType.Error;
        Varint.Write(span, ref i, streamId);
        span[i++] = offset.HasValue ? FrameFlags.HasOffset : (byte)0;
        WriteString(span, ref i, code, codeBytes);
        WriteString(span, ref i, message, messageBytes);
        WriteOffset(span, ref i, offset);
        Finish(output, i, total);
    }

    /// <summary>Writes CANCEL: the opener stops stream <paramref name="streamId"/>.</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="streamId">The stream id; never 0.</param>
    public static void WriteCancel(IBufferWriter<byte> output, uint streamId) => WriteIdOnly(output, FrameType.Cancel, streamId);

    /// <summary>Writes REQUEST: the opener allows <paramref name="n"/> more NEXT frames on stream <paramref name="streamId"/>.</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="streamId">The stream id; never 0.</param>
    /// <param name="n">The credits to add; at least 1.</param>
    public static void WriteRequest(IBufferWriter<byte> output, uint streamId, uint n)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfZero(streamId);
        ArgumentOutOfRangeException.ThrowIfZero(n);
        var span = Begin(output, 1L + Varint.Length(streamId) + Varint.Length(n), out var i, out var total);
        span[i++] = (byte)FrameType.Request;
        Varint.Write(span, ref i, streamId);
        Varint.Write(span, ref i, n);
        Finish(output, i, total);
    }

    /// <summary>Writes PING.</summary>
    /// <param name="output">Where to write.</param>
    public static void WritePing(IBufferWriter<byte> output) => WriteTypeOnly(output, FrameType.Ping);

    /// <summary>Writes PONG, the answer to PING.</summary>
    /// <param name="output">Where to write.</param>
    public static void WritePong(IBufferWriter<byte> output) => WriteTypeOnly(output, FrameType.Pong);

    /// <summary>
    /// Writes any frame: the fields <paramref name="frame"/>'s type carries are written, the others ignored. A null
    /// <see cref="Frame.SessionId"/> or <see cref="Frame.Message"/> is written as empty; a null <see cref="Frame.Route"/>
    /// or <see cref="Frame.Code"/> is an error. A frame <see cref="FrameReader"/> read is written back byte for byte.
    /// </summary>
    /// <param name="output">Where to write.</param>
    /// <param name="frame">The frame.</param>
    /// <exception cref="ArgumentException">The frame's type is unknown, or a field is invalid for it.</exception>
    public static void Write(IBufferWriter<byte> output, in Frame frame)
    {
        ArgumentNullException.ThrowIfNull(output);
        switch (frame.Type)
        {
            case FrameType.Hello:
                WriteHello(output, frame.Version, frame.SessionId ?? "");
                break;
            case FrameType.Welcome:
                WriteWelcome(output, frame.Version, frame.SessionId ?? "", frame.Resumed, frame.KeepAliveMilliseconds, frame.MaxFrameSize);
                break;
            case FrameType.Open:
            {
                var payload = frame.Payload;
                var span = BeginOpen(output, frame.StreamId, frame.Route!, frame.Offset, frame.Credits, PayloadLength(payload), frame.HasPayload, out var i, out var total);
                payload.CopyTo(span[i..]);
                Finish(output, i + (int)payload.Length, total);
                break;
            }
            case FrameType.Next:
            {
                var payload = frame.Payload;
                if (payload.IsSingleSegment)
                {
                    WriteNext(output, frame.StreamId, frame.Offset, payload.FirstSpan);
                }
                else
                {
                    var span = BeginNext(output, frame.StreamId, frame.Offset, PayloadLength(payload), out var i, out var total);
                    payload.CopyTo(span[i..]);
                    Finish(output, i + (int)payload.Length, total);
                }
                break;
            }
            case FrameType.Complete:
                WriteComplete(output, frame.StreamId);
                break;
            case FrameType.Error:
                WriteError(output, frame.StreamId, frame.Code!, frame.Message ?? "", frame.Offset);
                break;
            case FrameType.Cancel:
                WriteCancel(output, frame.StreamId);
                break;
            case FrameType.Request:
                WriteRequest(output, frame.StreamId, frame.Credits);
                break;
            case FrameType.Ping:
                WritePing(output);
                break;
            case FrameType.Pong:
                WritePong(output);
                break;
            default:
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Unknown frame type 0x{(byte)frame.Type:X2}."), nameof(frame));
        }
    }

    /// <summary>
    /// The exact number of bytes <see cref="WriteNext(IBufferWriter{byte}, uint, StreamOffset?, ReadOnlySpan{byte})"/> writes for these arguments, length prefix included: compare it
    /// with the peer's maximum frame size before writing, or add it up to batch frames into one message.
    /// </summary>
    /// <param name="streamId">The stream id.</param>
    /// <param name="offset">The item's offset, or null.</param>
    /// <param name="payloadLength">The payload's length in bytes.</param>
    /// <returns>The frame's size on the wire.</returns>
    public static int GetNextFrameLength(uint streamId, StreamOffset? offset, int payloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        return Total(NextBodyLength(streamId, offset, payloadLength));
    }

    /// <summary>
    /// The exact number of bytes <see cref="Write"/> writes for <paramref name="frame"/>, length prefix included.
    /// Computes the UTF-8 length of the frame's strings; allocates nothing.
    /// </summary>
    /// <param name="frame">The frame.</param>
    /// <returns>The frame's size on the wire.</returns>
    /// <exception cref="ArgumentException">The frame's type is unknown, or a string is not valid UTF-16.</exception>
    public static int GetFrameLength(in Frame frame)
    {
        var body = frame.Type switch
        {
            FrameType.Hello => 1L + Varint.Length(frame.Version) + StringLength(Utf8Length(frame.SessionId ?? "", nameof(frame))),
            FrameType.Welcome => 1L + Varint.Length(frame.Version) + StringLength(Utf8Length(frame.SessionId ?? "", nameof(frame))) + 1
                + Varint.Length(frame.KeepAliveMilliseconds) + Varint.Length(frame.MaxFrameSize),
            FrameType.Open => OpenBodyLength(frame.StreamId, Utf8Length(frame.Route ?? throw new ArgumentException("An OPEN frame needs a route.", nameof(frame)), nameof(frame)), frame.Offset, frame.Credits, PayloadLength(frame.Payload), frame.HasPayload),
            FrameType.Next => NextBodyLength(frame.StreamId, frame.Offset, PayloadLength(frame.Payload)),
            FrameType.Complete or FrameType.Cancel => 1L + Varint.Length(frame.StreamId),
            FrameType.Error => 1L + Varint.Length(frame.StreamId) + 1 + StringLength(Utf8Length(frame.Code ?? throw new ArgumentException("An ERROR frame needs a code.", nameof(frame)), nameof(frame)))
                + StringLength(Utf8Length(frame.Message ?? "", nameof(frame))) + OffsetLength(frame.Offset),
            FrameType.Request => 1L + Varint.Length(frame.StreamId) + Varint.Length(frame.Credits),
            FrameType.Ping or FrameType.Pong => 1L,
            _ => throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Unknown frame type 0x{(byte)frame.Type:X2}."), nameof(frame)),
        };
        return Total(body);
    }

    private static Span<byte> BeginOpen(IBufferWriter<byte> output, uint streamId, string route, StreamOffset? resumeOffset, uint credits, int payloadLength, bool hasPayload, out int index, out int total)
    {
        ArgumentOutOfRangeException.ThrowIfZero(streamId);
        ArgumentNullException.ThrowIfNull(route);
        if (!hasPayload && payloadLength != 0)
        {
            throw new ArgumentException("An OPEN without HAS_PAYLOAD cannot carry payload bytes; pass hasPayload: true.", nameof(hasPayload));
        }
        var routeBytes = Utf8Length(route, nameof(route));
        var span = Begin(output, OpenBodyLength(streamId, routeBytes, resumeOffset, credits, payloadLength, hasPayload), out index, out total);
        span[index++] = (byte)FrameType.Open;
        Varint.Write(span, ref index, streamId);
        span[index++] = (byte)((resumeOffset.HasValue ? FrameFlags.HasOffset : 0) | (hasPayload ? FrameFlags.HasPayload : 0));
        WriteString(span, ref index, route, routeBytes);
        WriteOffset(span, ref index, resumeOffset);
        Varint.Write(span, ref index, credits);
        return span;
    }

    private static Span<byte> BeginNext(IBufferWriter<byte> output, uint streamId, StreamOffset? offset, int payloadLength, out int index, out int total)
    {
        ArgumentOutOfRangeException.ThrowIfZero(streamId);
        var span = Begin(output, NextBodyLength(streamId, offset, payloadLength), out index, out total);
        span[index++] = (byte)FrameType.Next;
        Varint.Write(span, ref index, streamId);
        span[index++] = offset.HasValue ? FrameFlags.HasOffset : (byte)0;
        WriteOffset(span, ref index, offset);
        return span;
    }

    private static long OpenBodyLength(uint streamId, int routeBytes, StreamOffset? resumeOffset, uint credits, int payloadLength, bool hasPayload)
        => 1L + Varint.Length(streamId) + 1 + StringLength(routeBytes) + OffsetLength(resumeOffset) + Varint.Length(credits) + (hasPayload ? payloadLength : 0);

    private static long NextBodyLength(uint streamId, StreamOffset? offset, int payloadLength)
        => 1L + Varint.Length(streamId) + 1 + OffsetLength(offset) + payloadLength;

    private static void WriteIdOnly(IBufferWriter<byte> output, FrameType type, uint streamId)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfZero(streamId);
        var span = Begin(output, 1L + Varint.Length(streamId), out var i, out var total);
        span[i++] = (byte)type;
        Varint.Write(span, ref i, streamId);
        Finish(output, i, total);
    }

    private static void WriteTypeOnly(IBufferWriter<byte> output, FrameType type)
    {
        ArgumentNullException.ThrowIfNull(output);
        var span = output.GetSpan(2);
        span[0] = 1;
        span[1] = (byte)type;
        output.Advance(2);
    }

    /// <summary>Gets a span for the whole frame and writes the length prefix into it.</summary>
    private static Span<byte> Begin(IBufferWriter<byte> output, long bodyLength, out int index, out int total)
    {
        total = Total(bodyLength);
        var span = output.GetSpan(total);
        index = 0;
        Varint.Write(span, ref index, (ulong)bodyLength);
        return span;
    }

    private static int Total(long bodyLength)
    {
        var total = Varint.Length((ulong)bodyLength) + bodyLength;
        if (total > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(bodyLength), bodyLength, "The frame would be larger than 2 GiB, more than a frame can be.");
        }
        return (int)total;
    }

    private static void Finish(IBufferWriter<byte> output, int written, int total)
    {
        Debug.Assert(written == total, "The computed frame length must match what was written.");
        output.Advance(total);
    }

    private static int PayloadLength(in ReadOnlySequence<byte> payload)
        => payload.Length <= int.MaxValue
            ? (int)payload.Length
            : throw new ArgumentOutOfRangeException(nameof(payload), payload.Length, "The payload is larger than 2 GiB, more than a frame can be.");

    private static int Utf8Length(string text, string paramName)
    {
        if (text.Length == 0)
        {
            return 0;
        }
        try
        {
            return s_utf8.GetByteCount(text);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The text is not valid UTF-16: it has a lone surrogate at index {e.Index}, which UTF-8 cannot encode."),
                paramName,
                e);
        }
    }

    private static long StringLength(int utf8Length) => Varint.Length((uint)utf8Length) + (long)utf8Length;

    private static int OffsetLength(StreamOffset? offset) => offset is { } o ? Varint.Length(o.Major) + Varint.Length(o.Minor) : 0;

    private static void WriteString(Span<byte> span, ref int index, string text, int utf8Length)
    {
        Varint.Write(span, ref index, (uint)utf8Length);
        if (utf8Length != 0)
        {
            index += s_utf8.GetBytes(text, span[index..]);
        }
    }

    private static void WriteOffset(Span<byte> span, ref int index, StreamOffset? offset)
    {
        if (offset is { } o)
        {
            Varint.Write(span, ref index, o.Major);
            Varint.Write(span, ref index, o.Minor);
        }
    }
}
