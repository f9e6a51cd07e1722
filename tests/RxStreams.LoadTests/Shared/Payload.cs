using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace RxStreams.LoadTests;

/// <summary>Writes the load message as JSON and finds its fields again, without allocating, in whatever protocol wraps it.</summary>
internal static class Payload
{
    /// <summary>60 characters: with the numbers the JSON is about 100 bytes, like a chat message.</summary>
    public const string Text = "The quick brown fox jumps over the lazy dog, again and again.";

    private static ReadOnlySpan<byte> SeqKey => "\"seq\":"u8;

    private static ReadOnlySpan<byte> TimeKey => "\"t\":"u8;

    /// <summary>The message's JSON, as RxStreams' generated serializer and System.Text.Json (web defaults) both write it.</summary>
    public static int Write(Span<byte> destination, long seq, long t)
    {
        var written = 0;
        Append(destination, ref written, "{\"seq\":"u8);
        Utf8Formatter.TryFormat(seq, destination[written..], out var n);
        written += n;
        Append(destination, ref written, ",\"t\":"u8);
        Utf8Formatter.TryFormat(t, destination[written..], out n);
        written += n;
        Append(destination, ref written, ",\"text\":\""u8);
        written += Encoding.UTF8.GetBytes(Text, destination[written..]);
        Append(destination, ref written, "\"}"u8);
        return written;
    }

    public static byte[] ToArray(long seq, long t)
    {
        Span<byte> buffer = stackalloc byte[256];
        return buffer[..Write(buffer, seq, t)].ToArray();
    }

    private static void Append(Span<byte> destination, ref int written, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[written..]);
        written += bytes.Length;
    }

    /// <summary>Reads "seq" and "t" from a message's JSON (or from a protocol envelope around it).</summary>
    public static bool TryRead(ReadOnlySpan<byte> json, out long seq, out long t)
    {
        seq = 0;
        t = 0;
        var i = json.IndexOf(SeqKey);
        if (i < 0 || !Utf8Parser.TryParse(json[(i + SeqKey.Length)..], out seq, out _))
        {
            return false;
        }
        var j = json.IndexOf(TimeKey);
        return j >= 0 && Utf8Parser.TryParse(json[(j + TimeKey.Length)..], out t, out _);
    }
}
