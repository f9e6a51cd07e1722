using System.Buffers.Text;
using System.Security.Cryptography;

namespace RxStreams.AspNetCore.Connections;

/// <summary>Random, URL-safe identifiers for connections and sessions.</summary>
internal static class ConnectionIds
{
    /// <summary><paramref name="bytes"/> random bytes from the system's CSPRNG, base64url-encoded.</summary>
    public static string New(int bytes)
    {
        Span<byte> random = stackalloc byte[bytes];
        RandomNumberGenerator.Fill(random);
        return Base64Url.EncodeToString(random);
    }
}
