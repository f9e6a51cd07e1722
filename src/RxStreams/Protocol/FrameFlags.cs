namespace RxStreams.Protocol;

/// <summary>The flag bits of the frames that carry a flags byte, and the bits each frame type allows.</summary>
internal static class FrameFlags
{
    /// <summary>WELCOME bit 0: the server knew the session id of the HELLO.</summary>
    public const byte Resumed = 0x01;

    /// <summary>OPEN, NEXT, ERROR bit 0: an offset follows.</summary>
    public const byte HasOffset = 0x01;

    /// <summary>OPEN bit 1: the rest of the frame is a payload.</summary>
    public const byte HasPayload = 0x02;

    /// <summary>The bits a WELCOME may set.</summary>
    public const byte WelcomeMask = Resumed;

    /// <summary>The bits an OPEN may set.</summary>
    public const byte OpenMask = HasOffset | HasPayload;

    /// <summary>The bits a NEXT may set.</summary>
    public const byte NextMask = HasOffset;

    /// <summary>The bits an ERROR may set.</summary>
    public const byte ErrorMask = HasOffset;
}
