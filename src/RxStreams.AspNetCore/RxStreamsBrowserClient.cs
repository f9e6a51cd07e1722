using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using RxStreams.AspNetCore.Client;

namespace RxStreams.AspNetCore;

/// <summary>
/// The URLs of the browser client that <c>MapRxStreams</c> serves. <c>{pattern}/client.js</c> always works; it
/// re-exports the module from a URL that carries the module's content fingerprint and is cached for a year, so a
/// page that imports <c>/rx/client.js</c> revalidates that tiny file on each load. A page that maps
/// <c>/rx/client.js</c> to the fingerprinted URL with an import map (<see cref="ImportMap(string)"/>) fetches nothing
/// at all once the module is cached. See docs/browser-client.md, "How it is served".
/// </summary>
public static class RxStreamsBrowserClient
{
    /// <summary>
    /// The path of the client module under <paramref name="pattern"/> (the pattern given to <c>MapRxStreams</c>,
    /// prefixed with the application's path base if it has one): for example <c>/rx/client.0f3a9c2b7d1e4a65.js</c>.
    /// It changes whenever the module does.
    /// </summary>
    public static string ModulePath([StringSyntax("Route")] string pattern = "/rx")
        => Prefix(pattern) + "/" + BrowserClient.Client.ScriptFileName;

    /// <summary>
    /// The import map entries that send each module's stable path (<c>/rx/client.js</c>) straight to its
    /// fingerprinted path, for a page that writes its own import map.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ImportMapEntries([StringSyntax("Route")] string pattern = "/rx")
    {
        var prefix = Prefix(pattern);
        return BrowserClient.Modules.ToDictionary(m => prefix + "/" + m.Name + ".js", m => prefix + "/" + m.ScriptFileName, StringComparer.Ordinal);
    }

    /// <summary>
    /// An import map of <see cref="ImportMapEntries(string)"/>, as the JSON to put in a page's
    /// <c>&lt;script type="importmap"&gt;</c> element, before its first module script: for example
    /// <c>{"imports":{"/rx/client.js":"/rx/client.0f3a9c2b7d1e4a65.js"}}</c>. Characters that could end the element
    /// (<c>&lt;</c>, <c>&gt;</c>) are escaped.
    /// </summary>
    public static string ImportMap([StringSyntax("Route")] string pattern = "/rx")
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("imports");
            foreach (var (from, to) in ImportMapEntries(pattern))
            {
                json.WriteString(from, to);
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    internal static string Prefix(string pattern)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        return pattern.TrimEnd('/');
    }
}
