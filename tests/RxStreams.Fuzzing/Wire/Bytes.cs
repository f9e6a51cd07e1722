using System.Text;

namespace RxStreams.Fuzzing.Wire;

/// <summary>Builds frames byte by byte, for what <see cref="RxStreams.Protocol.FrameWriter"/> refuses to write (id 0, REQUEST 0, bad codes, bad UTF-8, bad varints).</summary>
public sealed class Bytes
{
    private readonly List<byte> _bytes = [];

    public int Count => _bytes.Count;

    public Bytes Byte(byte value)
    {
        _bytes.Add(value);
        return this;
    }

    public Bytes Raw(params byte[] values)
    {
        _bytes.AddRange(values);
        return this;
    }

    public Bytes Varint(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }
        _bytes.Add((byte)value);
        return this;
    }

    public Bytes String(string text) => StringBytes(Encoding.UTF8.GetBytes(text));

    public Bytes StringBytes(byte[] utf8)
    {
        Varint((ulong)utf8.Length);
        _bytes.AddRange(utf8);
        return this;
    }

    public byte[] ToArray() => [.. _bytes];

    /// <summary>The body with its length prefix: one frame.</summary>
    public byte[] AsFrame() => Frame(ToArray());

    /// <summary>Prefixes a frame body with its (minimal varint) length.</summary>
    public static byte[] Frame(byte[] body) => [.. new Bytes().Varint((ulong)body.Length).ToArray(), .. body];

    /// <summary>The encoding of a varint.</summary>
    public static byte[] VarintOf(ulong value) => new Bytes().Varint(value).ToArray();

    /// <summary>Splits a frame into its length prefix's size and the body (for mutations); null when the prefix does not decode.</summary>
    public static (int PrefixLength, byte[] Body)? SplitFrame(byte[] frame)
    {
        ulong length = 0;
        var shift = 0;
        for (var i = 0; i < frame.Length && i < 5; i++)
        {
            length |= (ulong)(frame[i] & 0x7F) << shift;
            shift += 7;
            if (frame[i] < 0x80)
            {
                return (int)length == frame.Length - i - 1 ? (i + 1, frame[(i + 1)..]) : null;
            }
        }
        return null;
    }
}
