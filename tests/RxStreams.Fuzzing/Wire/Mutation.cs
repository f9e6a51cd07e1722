namespace RxStreams.Fuzzing.Wire;

/// <summary>The byte-level mutations of a valid frame (docs/protocol.md section 5 names what each must get).</summary>
public enum Mutation
{
    /// <summary>The frame cut short, its length prefix fixed to the cut: a field is cut.</summary>
    Truncate,

    /// <summary>The length prefix says more bytes than the message has.</summary>
    LengthTooLong,

    /// <summary>The length prefix says fewer bytes: the rest is read as another frame.</summary>
    LengthTooShort,

    /// <summary>The length prefix is beyond the maximum frame size.</summary>
    LengthHuge,

    /// <summary>The length prefix is an overlong varint.</summary>
    LengthOverlong,

    /// <summary>The length prefix has a sixth byte.</summary>
    LengthTooManyBytes,

    /// <summary>The length prefix is above u32.</summary>
    LengthOverflow,

    /// <summary>The stream id (the field after the type byte) is an overlong, too long or overflowing varint.</summary>
    BadIdVarint,

    /// <summary>A frame length of 0.</summary>
    ZeroLength,

    /// <summary>An unknown type byte.</summary>
    UnknownType,

    /// <summary>An unknown flag bit (frames with flags).</summary>
    UnknownFlag,

    /// <summary>Bytes after the last field.</summary>
    Trailing,

    /// <summary>One to three bits flipped anywhere.</summary>
    BitFlip,

    /// <summary>Random bytes inserted somewhere.</summary>
    Insert,
}
