using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Net.Http.Headers;
using RxStreams.AspNetCore;

namespace Chat.Hosting;

/// <summary>
/// The page at <c>/</c>: wwwroot/index.html with every <c>src</c>/<c>href</c> that names a file of wwwroot replaced by
/// that file's fingerprinted URL (<c>app.js</c> → <c>app.6ib0i1xt5q.js</c>, from the endpoints <c>MapStaticAssets</c>
/// maps), and its <c>&lt;script type="importmap"&gt;&lt;/script&gt;</c> filled so that <c>/rx/client.js</c> resolves
/// to the browser client's fingerprinted module. Those URLs are cached for good, so a second visit fetches nothing but
/// this page; the page itself is revalidated (<c>no-cache</c>, ETag), so a new version takes effect at once.
/// </summary>
/// <remarks>
/// Done at run time, once, on the first request: the client's fingerprint belongs to the RxStreams.AspNetCore
/// assembly the app runs with, which the app's build does not know.
/// </remarks>
internal static partial class IndexPage
{
    /// <summary>Maps <c>/</c> (and <c>/index.html</c>) to the page, made from <paramref name="template"/> (a file of wwwroot) on first use.</summary>
    public static void MapIndexPage(this WebApplication app, string template = "index.html")
    {
        var page = new Lazy<Page>(() => Build(app, template));
        foreach (var path in new[] { "/", "/" + template })
        {
            app.MapMethods(path, [HttpMethods.Get, HttpMethods.Head], context => page.Value.WriteAsync(context)).AllowAnonymous();
        }
    }

    private static Page Build(WebApplication app, string template)
    {
        var file = app.Environment.WebRootFileProvider.GetFileInfo(template);
        if (!file.Exists)
        {
            throw new InvalidOperationException($"The page template wwwroot/{template} is missing.");
        }
        string html;
        using (var reader = new StreamReader(file.CreateReadStream(), Encoding.UTF8))
        {
            html = reader.ReadToEnd();
        }

        // "app.js" → "app.6ib0i1xt5q.js": the fingerprinted route of each asset, uncompressed (the endpoints of the
        // compressed forms are chosen by Accept-Encoding behind the same route).
        var fingerprinted = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints)
        {
            if (endpoint.Metadata.GetMetadata<StaticAssetDescriptor>() is { } asset
                && asset.Properties.Any(p => p.Name == "fingerprint")
                && asset.Properties.FirstOrDefault(p => p.Name == "label")?.Value is { } label
                && asset.Selectors.Count == 0)
            {
                fingerprinted.TryAdd(label, asset.Route);
            }
        }

        html = AssetReference().Replace(html, m =>
        {
            var url = m.Groups["url"].Value;
            var slash = url.StartsWith('/') ? "/" : "";
            return fingerprinted.TryGetValue(url[slash.Length..], out var route)
                ? m.Groups["attribute"].Value + slash + route + "\""
                : m.Value;
        });

        const string ImportMapPlaceholder = "<script type=\"importmap\"></script>";
        if (!html.Contains(ImportMapPlaceholder, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"wwwroot/{template} has no {ImportMapPlaceholder} before its first module script.");
        }
        html = html.Replace(ImportMapPlaceholder, "<script type=\"importmap\">" + RxStreamsBrowserClient.ImportMap("/rx") + "</script>", StringComparison.Ordinal);
        return new Page(Encoding.UTF8.GetBytes(html));
    }

    // src="…" or href="…" with a path of this site (not "data:…", "https://…", "#…" or with a query).
    [GeneratedRegex(@"(?<attribute>\b(?:src|href)="")(?<url>[^""#?:]+)""")]
    private static partial Regex AssetReference();

    private sealed class Page(byte[] content)
    {
        private readonly EntityTagHeaderValue _etag = new("\"" + Convert.ToHexStringLower(SHA256.HashData(content), 0, 8) + "\"");

        // ASP.NET Core's file result sets the ETag, answers a matching If-None-Match with 304 and a HEAD without the body.
        public Task WriteAsync(HttpContext context)
        {
            context.Response.Headers.CacheControl = "no-cache";
            return TypedResults.Bytes(content, "text/html; charset=utf-8", entityTag: _etag).ExecuteAsync(context);
        }
    }
}
