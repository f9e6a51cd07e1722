using System.IO.Compression;

namespace RxStreams.AspNetCore.Client;

/// <summary>Brotli and gzip at their best compression, for files compressed once and served many times.</summary>
internal static class Compression
{
    private const int BrotliQuality = 11;

    private const int BrotliWindow = 22;

    /// <summary>Brotli, quality 11 (the maximum), window 2^22 bytes (the default).</summary>
    public static byte[] Brotli(ReadOnlySpan<byte> content)
    {
        var buffer = new byte[BrotliEncoder.GetMaxCompressedLength(content.Length)];
        if (!BrotliEncoder.TryCompress(content, buffer, out var written, BrotliQuality, BrotliWindow))
        {
            throw new InvalidOperationException("Brotli could not compress into a buffer of its own maximum compressed length.");
        }
        return buffer.AsSpan(0, written).ToArray();
    }

    /// <summary>gzip at <see cref="CompressionLevel.SmallestSize"/> (zlib level 9).</summary>
    public static byte[] Gzip(ReadOnlySpan<byte> content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(content);
        }
        return output.ToArray();
    }
}
