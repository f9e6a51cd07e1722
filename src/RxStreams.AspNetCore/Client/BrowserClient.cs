namespace RxStreams.AspNetCore.Client;

/// <summary>
/// The browser client's modules, embedded in this assembly as built by tests/RxStreams.BrowserClient/build.mjs
/// (Client/dist: bundled, minified, with a source map) and served by <c>MapRxStreams</c>.
/// </summary>
internal static class BrowserClient
{
    private static readonly Lazy<ClientModule[]> LoadedModules = new(() =>
    [
        // A new module: its entry in build.mjs (which writes dist/{name}.js and .js.map, embedded with every *.d.ts
        // of Client/ by the csproj) and a line here.
        Load("client", declarations: "rxstreams.d.ts"),
        // The WebRTC part, which client.js imports itself (import("./peer.js")) only when peerToPeer is asked for.
        Load("peer", declarations: "peer.d.ts"),
        Load("model", declarations: "rxstreams-model.d.ts"),
    ]);

    /// <summary>Every module, loaded from the assembly's resources on first use.</summary>
    public static IReadOnlyList<ClientModule> Modules => LoadedModules.Value;

    /// <summary>The client itself (<c>{pattern}/client.js</c>).</summary>
    public static ClientModule Client => LoadedModules.Value[0];

    private static ClientModule Load(string name, string declarations)
        => new(name, Resource("dist." + name + ".js"), Resource("dist." + name + ".js.map"), Resource(declarations));

    private static byte[] Resource(string name)
    {
        using var stream = typeof(BrowserClient).Assembly.GetManifestResourceStream("RxStreams.AspNetCore.Client." + name)
            ?? throw new InvalidOperationException($"The embedded browser client file '{name}' is missing from RxStreams.AspNetCore.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
