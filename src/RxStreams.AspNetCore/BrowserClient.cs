using Microsoft.AspNetCore.Http;

namespace RxStreams.AspNetCore;

/// <summary>The browser client, embedded in this assembly and served by <c>MapRxStreams</c>.</summary>
internal static class BrowserClient
{
    public static readonly Asset Script = Load("rxstreams.js", "text/javascript; charset=utf-8");

    public static readonly Asset Declarations = Load("rxstreams.d.ts", "application/typescript; charset=utf-8");

    public static Task WriteAsync(HttpContext context, Asset asset)
    {
        var etag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch == etag)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        context.Response.ContentType = asset.ContentType;
        context.Response.Headers.ETag = etag;
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.ContentLength = asset.Content.Length;
        return context.Response.Body.WriteAsync(asset.Content).AsTask();
    }

    private static Asset Load(string name, string contentType)
    {
        using var stream = typeof(BrowserClient).Assembly.GetManifestResourceStream("RxStreams.AspNetCore.Client." + name)
            ?? throw new InvalidOperationException($"The embedded browser client file '{name}' is missing from RxStreams.AspNetCore.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        var content = memory.ToArray();
        var etag = "\"" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(content))[..16] + "\"";
        return new Asset(content, contentType, etag);
    }

    public sealed record Asset(byte[] Content, string ContentType, string ETag);
}
