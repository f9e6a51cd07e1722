namespace RxStreams.Protocol;

/// <summary>Constants of the RxStreams wire protocol (docs/protocol.md).</summary>
public static class ProtocolConstants
{
    /// <summary>The protocol version this library speaks, sent in HELLO and WELCOME.</summary>
    public const uint Version = 1;

    /// <summary>
    /// The default maximum size in bytes of a WebSocket message, and so of every frame in it (64 KiB).
    /// A server announces its own value in WELCOME; it bounds messages in both directions.
    /// </summary>
    public const int DefaultMaxFrameSize = 64 * 1024;

    /// <summary>Credits in an OPEN frame that switch flow control off: the responder may send any number of NEXT frames.</summary>
    public const uint UnboundedCredits = uint.MaxValue;
}
