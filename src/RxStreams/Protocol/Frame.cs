using System.Buffers;
using System.Globalization;
using System.Text;

namespace RxStreams.Protocol;

/// <summary>
/// One frame of the wire protocol, as <see cref="FrameReader"/> parses it or <see cref="FrameWriter.Write"/> writes it.
/// Each property is meaningful for the frame types its documentation names and is default for the others.
/// </summary>
/// <remarks>
/// A parsed frame's <see cref="Payload"/> is a slice of the buffer it was read from: it is valid for as long as
/// that buffer is, and must be copied (or deserialized) before the buffer is reused.
/// </remarks>
public readonly struct Frame
{
    /// <summary>The frame type.</summary>
    public FrameType Type { get; init; }

    /// <summary>
    /// The stream id (OPEN, NEXT, COMPLETE, ERROR, CANCEL, REQUEST). Never 0, except in ERROR where 0 means
    /// the whole connection.
    /// </summary>
    public uint StreamId { get; init; }

    /// <summary>
    /// OPEN: the offset to resume after (HAS_OFFSET). NEXT: the item's offset in its channel (resumable streams).
    /// ERROR: for <see cref="StreamErrorCodes.NotRecovered"/>, the first offset the channel still holds.
    /// Null when the frame has none.
    /// </summary>
    public StreamOffset? Offset { get; init; }

    /// <summary>OPEN: the HAS_PAYLOAD flag (the payload may still be empty). NEXT: always true. Otherwise false.</summary>
    public bool HasPayload { get; init; }

    /// <summary>OPEN (when <see cref="HasPayload"/>) and NEXT: the payload, UTF-8 JSON. Empty otherwise.</summary>
    public ReadOnlySequence<byte> Payload { get; init; }

    /// <summary>OPEN: the route, e.g. <c>"chat/lobby"</c>.</summary>
    public string? Route { get; init; }

    /// <summary>
    /// OPEN: the initial credits (NEXT frames the responder may send before a REQUEST;
    /// <see cref="ProtocolConstants.UnboundedCredits"/> for no limit). REQUEST: n, the credits added (at least 1).
    /// </summary>
    public uint Credits { get; init; }

    /// <summary>ERROR: the error code, lower-case snake_case (see <see cref="StreamErrorCodes"/>).</summary>
    public string? Code { get; init; }

    /// <summary>ERROR: the error message, for people (may be empty).</summary>
    public string? Message { get; init; }

    /// <summary>HELLO, WELCOME: the protocol version.</summary>
    public uint Version { get; init; }

    /// <summary>HELLO: the session to resume (empty for a new one). WELCOME: the session id of the connection.</summary>
    public string? SessionId { get; init; }

    /// <summary>WELCOME: the server knew the session id the client sent (RESUMED flag).</summary>
    public bool Resumed { get; init; }

    /// <summary>WELCOME: the keepalive interval in milliseconds (0: no keepalive).</summary>
    public uint KeepAliveMilliseconds { get; init; }

    /// <summary>WELCOME: the largest WebSocket message, in bytes, either side may send on this connection.</summary>
    public uint MaxFrameSize { get; init; }

    /// <summary>Describes the frame for logs and test failures, e.g. <c>NEXT stream=1 offset=5-0 payload=12B</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Type switch
        {
            >= FrameType.Hello and <= FrameType.Pong => Type.ToString().ToUpperInvariant(),
            _ => string.Create(CultureInfo.InvariantCulture, $"type=0x{(byte)Type:X2}"),
        });
        var c = CultureInfo.InvariantCulture;
        switch (Type)
        {
            case FrameType.Hello:
                text.Append(c, $" version={Version} session=\"{SessionId}\"");
                break;
            case FrameType.Welcome:
                text.Append(c, $" version={Version} session=\"{SessionId}\" resumed={Resumed} keepAlive={KeepAliveMilliseconds}ms maxFrameSize={MaxFrameSize}");
                break;
            case FrameType.Open:
                text.Append(c, $" stream={StreamId} route=\"{Route}\" credits={Credits}");
                break;
            case FrameType.Error:
                text.Append(c, $" stream={StreamId} code={Code} message=\"{Message}\"");
                break;
            case FrameType.Request:
                text.Append(c, $" stream={StreamId} n={Credits}");
                break;
            case FrameType.Next or FrameType.Complete or FrameType.Cancel:
                text.Append(c, $" stream={StreamId}");
                break;
        }
        if (Offset is { } offset)
        {
            text.Append(c, $" offset={offset}");
        }
        if (HasPayload)
        {
            text.Append(c, $" payload={Payload.Length}B");
        }
        return text.ToString();
    }
}
