namespace RxStreams.Protocol;

/// <summary>The type of a frame: its first byte on the wire.</summary>
public enum FrameType : byte
{
    /// <summary>0x01, client to server, the first frame: protocol version and the session id to resume.</summary>
    Hello = 1,

    /// <summary>0x02, server to client, the answer to HELLO: version, session id, keepalive and maximum frame size.</summary>
    Welcome,

    /// <summary>0x03, opens a stream: stream id, route, resume offset, credits and an optional payload.</summary>
    Open,

    /// <summary>0x04, one item of a stream: stream id, optional offset, payload.</summary>
    Next,

    /// <summary>0x05, the sender has no more items for the stream.</summary>
    Complete,

    /// <summary>0x06, ends a stream (or, with stream id 0, the connection) with a code and a message.</summary>
    Error,

    /// <summary>0x07, the opener stops the stream; nothing more is sent for it.</summary>
    Cancel,

    /// <summary>0x08, the opener grants the responder n more NEXT frames (backpressure).</summary>
    Request,

    /// <summary>0x09, keepalive probe; the peer answers with <see cref="Pong"/>.</summary>
    Ping,

    /// <summary>0x0A, the answer to <see cref="Ping"/>.</summary>
    Pong,
}
