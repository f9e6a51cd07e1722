using System.Buffers;
using System.Numerics;

namespace RxStreams.Protocol;

/// <summary>Unsigned LEB128 varints: 7 bits a byte, least significant group first, high bit set on every byte but the last.</summary>
internal static class Varint
{
    /// <summary>The most bytes a u32 field takes.</summary>
    public const int MaxLength32 = 5;

    /// <summary>The most bytes a u64 field takes.</summary>
    public const int MaxLength64 = 10;

    /// <summary>The number of bytes <paramref name="value"/> takes (1 to 10).</summary>
    public static int Length(ulong value) => value < 0x80 ? 1 : (70 - BitOperations.LeadingZeroCount(value)) / 7;

    /// <summary>Writes <paramref name="value"/> at <paramref name="index"/> and moves the index past it.</summary>
    public static void Write(Span<byte> destination, ref int index, ulong value)
    {
        while (value >= 0x80)
        {
            destination[index++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[index++] = (byte)value;
    }

    /// <summary>
    /// Reads a minimal varint of at most <paramref name="maxBytes"/> bytes (5 for u32 fields, 10 for u64 fields) whose
    /// value fits in <c>7 × (maxBytes − 1) + bits</c> bits, i.e. in 32 or 64 bits.
    /// </summary>
    public static VarintStatus TryRead(ref SequenceReader<byte> reader, int maxBytes, out ulong value)
    {
        value = 0;
        if (!reader.TryRead(out var b))
        {
            return VarintStatus.Truncated;
        }
        if (b < 0x80)
        {
            value = b;
            return VarintStatus.Ok;
        }
        var result = (ulong)(b & 0x7F);
        var shift = 7;
        for (var i = 1; ; i++)
        {
            if (!reader.TryRead(out b))
            {
                return VarintStatus.Truncated;
            }
            if (i == maxBytes - 1)
            {
                if (b >= 0x80)
                {
                    return VarintStatus.TooLong;
                }
                var bitsLeft = (maxBytes == MaxLength32 ? 32 : 64) - shift;
                if (b >> bitsLeft != 0)
                {
                    return VarintStatus.Overflow;
                }
            }
            if (b == 0)
            {
                // A last byte of zero adds nothing: the same value has a shorter encoding.
                return VarintStatus.Overlong;
            }
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                value = result;
                return VarintStatus.Ok;
            }
            shift += 7;
        }
    }
}
