using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;

namespace RxStreams.AspNetCore.Admin;

/// <summary>
/// Serves the admin page (Admin/Page/index.html, with its URLs filled in) and its script (Admin/Page/admin.js), both
/// embedded in this assembly: no CDN, no framework. The script loads the browser client from the RxStreams endpoint
/// and opens the <c>$admin</c> stream there.
/// </summary>
internal sealed class AdminPage
{
    private readonly string _template;
    private readonly byte[] _script;
    private readonly string _pattern;
    private readonly string _streamsPattern;

    public AdminPage(string pattern, string streamsPattern)
    {
        _pattern = RxStreamsBrowserClient.Prefix(pattern);
        _streamsPattern = RxStreamsBrowserClient.Prefix(streamsPattern);
        _template = Encoding.UTF8.GetString(Resource("index.html"));
        _script = Resource("admin.js");
    }

    /// <summary>The page, for the request's path base.</summary>
    public string Html(PathString pathBase)
    {
        var html = HtmlEncoder.Default;
        var streams = pathBase.Add(_streamsPattern).Value!;
        return _template
            .Replace("{{importmap}}", RxStreamsBrowserClient.ImportMap(streams), StringComparison.Ordinal)
            .Replace("{{rx}}", html.Encode(streams), StringComparison.Ordinal)
            .Replace("{{script}}", html.Encode(pathBase.Add(_pattern).Value + "/admin.js"), StringComparison.Ordinal);
    }

    public Task WriteHtmlAsync(HttpContext context)
    {
        NoStore(context.Response);
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(Html(context.Request.PathBase), context.RequestAborted);
    }

    public Task WriteScriptAsync(HttpContext context)
    {
        NoStore(context.Response);
        context.Response.ContentType = "text/javascript; charset=utf-8";
        context.Response.ContentLength = _script.Length;
        return context.Response.Body.WriteAsync(_script, context.RequestAborted).AsTask();
    }

    private static void NoStore(HttpResponse response)
    {
        // The page shows figures only admins may see: never kept by a shared cache.
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }

    private static byte[] Resource(string name)
    {
        using var stream = typeof(AdminPage).Assembly.GetManifestResourceStream("RxStreams.AspNetCore.Admin." + name)
            ?? throw new InvalidOperationException($"The admin page's resource '{name}' is missing from {typeof(AdminPage).Assembly.GetName().Name}.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
