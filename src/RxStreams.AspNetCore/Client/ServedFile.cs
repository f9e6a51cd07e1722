using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace RxStreams.AspNetCore.Client;

/// <summary>
/// A file the host serves from memory. Its Brotli and gzip forms are made once, on first use, and kept; each request
/// gets the form its <c>Accept-Encoding</c> prefers (<c>Vary: Accept-Encoding</c>), with an ETag of its own, and a
/// matching <c>If-None-Match</c> gets 304. The cache policy belongs to the URL, so the caller passes it.
/// </summary>
internal sealed class ServedFile
{
    /// <summary>For URLs whose content never changes (the fingerprint is in the URL): cached for a year, never revalidated.</summary>
    public const string Immutable = "public, max-age=31536000, immutable";

    /// <summary>For URLs whose content changes with the server's version: cached, but revalidated on every use (a 304 costs no body).</summary>
    public const string Revalidate = "no-cache";

    private readonly Representation _identity;
    private readonly Lazy<Representation>? _brotli;
    private readonly Lazy<Representation>? _gzip;

    /// <summary>
    /// A file of <paramref name="content"/>. <paramref name="compress"/> offers Brotli and gzip forms; leave it off
    /// for content too small to gain from them.
    /// </summary>
    public ServedFile(byte[] content, string contentType, bool compress)
    {
        ContentType = contentType;
        Fingerprint = FingerprintOf(content);
        _identity = new Representation(content, null, "\"" + Fingerprint + "\"");
        if (compress)
        {
            _brotli = new(() => new Representation(Compression.Brotli(content), AcceptEncoding.Brotli, "\"" + Fingerprint + "-br\""));
            _gzip = new(() => new Representation(Compression.Gzip(content), AcceptEncoding.Gzip, "\"" + Fingerprint + "-gz\""));
        }
    }

    /// <summary>The <c>Content-Type</c>.</summary>
    public string ContentType { get; }

    /// <summary>16 lower-case hex digits of the content's SHA-256: what goes into a fingerprinted URL and the ETags.</summary>
    public string Fingerprint { get; }

    /// <summary>16 lower-case hex digits of the SHA-256 of <paramref name="parts"/>, one after the other.</summary>
    public static string FingerprintOf(params ReadOnlySpan<byte[]> parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            hash.AppendData(part);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset(), 0, 8);
    }

    /// <summary>Answers a GET or HEAD with this file, in the coding the request prefers, cached as <paramref name="cacheControl"/> says.</summary>
    public Task WriteAsync(HttpContext context, string cacheControl)
    {
        var response = context.Response;
        var representation = _identity;
        if (_brotli is not null && _gzip is not null)
        {
            // Only a file with compressed forms reads Accept-Encoding (the re-export, fetched on every page load that
            // has no import map, does not).
            representation = AcceptEncoding.Choose(context.Request) switch
            {
                AcceptEncoding.Brotli => _brotli.Value,
                AcceptEncoding.Gzip => _gzip.Value,
                _ => _identity,
            };
            response.Headers.Vary = "Accept-Encoding";
        }
        response.Headers.CacheControl = cacheControl;
        response.Headers.ETag = representation.ETag;
        if (Matches(context.Request.Headers.IfNoneMatch, representation.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        response.ContentType = ContentType;
        if (representation.Coding is { } coding)
        {
            response.Headers.ContentEncoding = coding;
        }
        response.ContentLength = representation.Content.Length;
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(representation.Content, context.RequestAborted).AsTask();
    }

    // If-None-Match: a list of entity tags, or "*"; compared weakly (RFC 9110, 13.1.2), so W/"x" matches "x". Read in
    // place: a revalidation costs no allocation.
    private static bool Matches(StringValues ifNoneMatch, string etag)
    {
        foreach (var header in ifNoneMatch)
        {
            var list = header.AsSpan();
            foreach (var range in list.Split(','))
            {
                var tag = list[range].Trim();
                if (tag.StartsWith("W/", StringComparison.Ordinal))
                {
                    tag = tag[2..];
                }
                if (tag is "*" || tag.SequenceEqual(etag))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private sealed record Representation(byte[] Content, string? Coding, string ETag);
}
