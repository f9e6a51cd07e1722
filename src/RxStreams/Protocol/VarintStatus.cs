namespace RxStreams.Protocol;

/// <summary>The outcome of <see cref="Varint.TryRead"/>.</summary>
internal enum VarintStatus
{
    /// <summary>A valid varint was read.</summary>
    Ok,

    /// <summary>The input ended inside the varint.</summary>
    Truncated,

    /// <summary>The varint has more bytes than its field allows.</summary>
    TooLong,

    /// <summary>The value does not fit in the field's 32 or 64 bits.</summary>
    Overflow,

    /// <summary>The encoding is not minimal: its last byte is zero.</summary>
    Overlong,
}
