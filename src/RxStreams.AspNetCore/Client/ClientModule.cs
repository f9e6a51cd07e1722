using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace RxStreams.AspNetCore.Client;

/// <summary>
/// One module of the browser client, as <c>MapRxStreams</c> serves it under its pattern (here <c>/rx</c>, module
/// <c>client</c>):
/// <list type="bullet">
/// <item><c>/rx/client.{fingerprint}.js</c>: the built module (minified), cached for a year, immutable;</item>
/// <item><c>/rx/client.{fingerprint}.js.map</c>: its source map, named by the module's <c>sourceMappingURL</c>;</item>
/// <item><c>/rx/client.js</c>: <c>export * from "./client.{fingerprint}.js"</c>, revalidated on every use, so the
/// stable URL always leads to the current module, which stays the one instance however the page imports it;</item>
/// <item><c>/rx/client.d.ts</c> (revalidated) and <c>/rx/client.{fingerprint}.d.ts</c> (immutable): the declarations,
/// which the JavaScript responses name in an <c>X-TypeScript-Types</c> header.</item>
/// </list>
/// Everything but the tiny re-export is served precompressed (<see cref="ServedFile"/>).
/// </summary>
internal sealed class ClientModule
{
    private const string JavaScript = "text/javascript; charset=utf-8";

    private readonly ServedFile _entry;
    private readonly ServedFile _script;
    private readonly ServedFile _sourceMap;
    private readonly ServedFile _declarations;

    /// <summary>
    /// The module <paramref name="name"/> from its built <paramref name="code"/> and <paramref name="sourceMap"/>
    /// (src/RxStreams.AspNetCore/Client/dist) and its <paramref name="declarations"/>.
    /// </summary>
    public ClientModule(string name, byte[] code, byte[] sourceMap, byte[] declarations)
    {
        Name = name;
        // The code and the map together: a change to either (a source edit that minifies to the same code changes
        // the map) gives new URLs, so a browser never pairs a cached file with the other's new version.
        Fingerprint = ServedFile.FingerprintOf(code, sourceMap);
        _script = new ServedFile([.. code, .. Encoding.UTF8.GetBytes("//# sourceMappingURL=" + ScriptFileName + ".map\n")], JavaScript, compress: true);
        _sourceMap = new ServedFile(sourceMap, "application/json; charset=utf-8", compress: true);
        _entry = new ServedFile(Encoding.UTF8.GetBytes("export * from \"./" + ScriptFileName + "\";\n"), JavaScript, compress: false);
        _declarations = new ServedFile(declarations, "application/typescript; charset=utf-8", compress: true);
    }

    /// <summary>The module's name: <c>client</c> is served at <c>{pattern}/client.js</c>.</summary>
    public string Name { get; }

    /// <summary>The fingerprint in the module's URLs: 16 hex digits of the SHA-256 of its code and source map.</summary>
    public string Fingerprint { get; }

    /// <summary>The file name of the built module: <c>client.{fingerprint}.js</c>.</summary>
    public string ScriptFileName => Name + "." + Fingerprint + ".js";

    /// <summary>The file name of the declarations: <c>client.{fingerprint of the declarations}.d.ts</c>.</summary>
    public string DeclarationsFileName => Name + "." + _declarations.Fingerprint + ".d.ts";

    /// <summary>Maps the module's URLs under <paramref name="prefix"/> (<c>/rx</c>, no trailing slash).</summary>
    public void Map(IEndpointRouteBuilder endpoints, string prefix)
    {
        // Deno (and tools that follow it) take a JavaScript module's declarations from this header.
        var types = "./" + DeclarationsFileName;
        MapFile(endpoints, prefix + "/" + Name + ".js", _entry, ServedFile.Revalidate, types);
        MapFile(endpoints, prefix + "/" + ScriptFileName, _script, ServedFile.Immutable, types);
        MapFile(endpoints, prefix + "/" + ScriptFileName + ".map", _sourceMap, ServedFile.Immutable, null);
        MapFile(endpoints, prefix + "/" + Name + ".d.ts", _declarations, ServedFile.Revalidate, null);
        MapFile(endpoints, prefix + "/" + DeclarationsFileName, _declarations, ServedFile.Immutable, null);
    }

    private static void MapFile(IEndpointRouteBuilder endpoints, string path, ServedFile file, string cacheControl, string? types)
        => endpoints.MapMethods(path, [HttpMethods.Get, HttpMethods.Head], context =>
            {
                if (types is not null)
                {
                    context.Response.Headers["X-TypeScript-Types"] = types;
                }
                return file.WriteAsync(context, cacheControl);
            })
            .WithDisplayName("RxStreams browser client " + path)
            .AllowAnonymous()
            .ExcludeFromDescription();
}
