namespace RxStreams.Protocol;

/// <summary>
/// Bytes received from a peer break the wire protocol. <see cref="FrameReader"/> throws only this exception for
/// malformed input; the receiver answers with <c>ERROR(0, <see cref="Code"/>, <see cref="Exception.Message"/>)</c>
/// and closes the connection (docs/protocol.md, "Errors").
/// </summary>
public sealed class ProtocolException : Exception
{
    /// <summary>Creates the exception for a rule broken somewhere other than at one byte of a frame.</summary>
    /// <param name="code">
    /// <see cref="StreamErrorCodes.ProtocolError"/>, <see cref="StreamErrorCodes.FrameTooLarge"/> or another code that
    /// closes the connection.
    /// </param>
    /// <param name="message">What was wrong.</param>
    public ProtocolException(string code, string message)
        : this(code, message, -1)
    {
    }

    /// <summary>Creates the exception for a rule broken at one byte of a frame.</summary>
    /// <param name="code">
    /// <see cref="StreamErrorCodes.ProtocolError"/>, <see cref="StreamErrorCodes.FrameTooLarge"/> or another code that
    /// closes the connection.
    /// </param>
    /// <param name="message">What was wrong, and where.</param>
    /// <param name="position">Where the fault is (see <see cref="Position"/>); -1 for none.</param>
    public ProtocolException(string code, string message, long position)
        : base(message)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        Code = code;
        Position = position;
    }

    /// <summary>
    /// The error code for the ERROR frame: <see cref="StreamErrorCodes.ProtocolError"/> for malformed bytes,
    /// <see cref="StreamErrorCodes.FrameTooLarge"/> for a message or frame over the maximum frame size.
    /// </summary>
    public string Code { get; }

    /// <summary>
    /// Where the fault is: the first byte of the field at fault (of the length prefix, for errors about the frame as a
    /// whole), counted from the first byte of the frame's length prefix — which, for the first frame of a WebSocket
    /// message, is the first byte of the message. -1 when the error is about no particular byte (a message too long).
    /// </summary>
    public long Position { get; }
}
