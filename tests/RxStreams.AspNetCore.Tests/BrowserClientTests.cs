using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using RxStreams.AspNetCore.Client;
using RxStreams.Testing;
using Xunit.Abstractions;

namespace RxStreams.AspNetCore.Tests;

/// <summary>
/// The browser client as a real Kestrel host serves it (docs/browser-client.md, "How it is served"): the stable
/// <c>/rx/client.js</c> re-exports the fingerprinted module, which goes out minified, precompressed as the request
/// accepts, cached for good, with a source map and declarations.
/// </summary>
public sealed partial class BrowserClientTests(ITestOutputHelper output)
{
    /// <summary>The budget on the wire, whatever the coding the browser accepts: 6.5 KB (docs/browser-client.md).</summary>
    private const int WireBudget = 6656;

    private const string Immutable = "public, max-age=31536000, immutable";

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task The_module_goes_out_compressed_within_budget_cached_for_good(string coding)
    {
        await using var host = await KestrelHost.StartAsync();
        using var http = PlainClient(host);
        var modulePath = await ModulePathAsync(http);

        using var request = new HttpRequestMessage(HttpMethod.Get, modulePath);
        request.Headers.AcceptEncoding.ParseAdd(coding);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([coding], response.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        Assert.Equal(Immutable, response.Headers.CacheControl!.ToString());
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType!.MediaType);

        var wire = await response.Content.ReadAsByteArrayAsync();
        output.WriteLine($"{modulePath}, Content-Encoding: {coding}: {wire.Length} bytes on the wire");
        Assert.True(wire.Length <= WireBudget, $"{wire.Length} bytes of {coding} on the wire, over the {WireBudget}-byte budget");
        Assert.Equal(await IdentityAsync(http, modulePath), Decompress(wire, coding));
    }

    [Fact]
    public async Task Without_accept_encoding_the_module_is_sent_as_is_and_is_the_built_client()
    {
        await using var host = await KestrelHost.StartAsync();
        using var http = PlainClient(host);
        var modulePath = await ModulePathAsync(http);

        using var response = await http.GetAsync(modulePath);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal(Immutable, response.Headers.CacheControl!.ToString());
        var served = await response.Content.ReadAsStringAsync();
        output.WriteLine($"{modulePath}, no Accept-Encoding: {Encoding.UTF8.GetByteCount(served)} bytes on the wire");

        // The checked-in build, then the map's fingerprinted URL, relative to the module.
        var client = Path.Combine(Repository.Root, "src", "RxStreams.AspNetCore", "Client");
        var built = await File.ReadAllTextAsync(Path.Combine(client, "dist", "client.js"));
        var mapFile = Path.GetFileName(modulePath) + ".map";
        Assert.Equal(built + "//# sourceMappingURL=" + mapFile + "\n", served);
        Assert.Contains("export{", served, StringComparison.Ordinal);
        var readable = await File.ReadAllTextAsync(Path.Combine(client, "rxstreams.js"));
        Assert.True(built.Length < readable.Length / 2, $"minified: {built.Length} bytes, the source {readable.Length}");
    }

    [Fact]
    public async Task The_stable_url_reexports_the_fingerprinted_module_and_is_revalidated()
    {
        await using var host = await KestrelHost.StartAsync();
        using var http = PlainClient(host);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/rx/client.js");
        request.Headers.AcceptEncoding.ParseAdd("gzip, br");
        using var entry = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, entry.StatusCode);
        Assert.Equal("text/javascript", entry.Content.Headers.ContentType!.MediaType);
        Assert.True(entry.Headers.CacheControl!.NoCache, "the stable URL is revalidated, so a new version is picked up at once");
        Assert.Empty(entry.Content.Headers.ContentEncoding); // a few bytes: not worth compressing
        Assert.Empty(entry.Headers.Vary); // one form only: caches need not key it by Accept-Encoding
        var text = await entry.Content.ReadAsStringAsync();
        Assert.Equal($"export * from \"./{Path.GetFileName(RxStreamsBrowserClient.ModulePath())}\";\n", text);
        Assert.Matches(FingerprintedModule(), RxStreamsBrowserClient.ModulePath());

        using var again = new HttpRequestMessage(HttpMethod.Get, "/rx/client.js");
        again.Headers.IfNoneMatch.Add(entry.Headers.ETag!);
        using var notModified = await http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        // "*" matches whatever the server has.
        using var any = new HttpRequestMessage(HttpMethod.Get, "/rx/client.js");
        any.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
        using var anyNotModified = await http.SendAsync(any);
        Assert.Equal(HttpStatusCode.NotModified, anyNotModified.StatusCode);
    }

    [Fact]
    public async Task Each_coding_has_its_own_etag_and_a_matching_if_none_match_gets_304_with_no_body()
    {
        await using var host = await KestrelHost.StartAsync();
        using var http = PlainClient(host);
        var modulePath = await ModulePathAsync(http);

        var etags = new Dictionary<string, EntityTagHeaderValue>();
        foreach (var coding in new[] { "br", "gzip", "" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, modulePath);
            if (coding.Length > 0)
            {
                request.Headers.AcceptEncoding.ParseAdd(coding);
            }
            using var response = await http.SendAsync(request);
            etags[coding] = response.Headers.ETag!;

            using var revalidate = new HttpRequestMessage(HttpMethod.Get, modulePath);
            if (coding.Length > 0)
            {
                revalidate.Headers.AcceptEncoding.ParseAdd(coding);
            }
            revalidate.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"something-else\""));
            revalidate.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(response.Headers.ETag!.Tag, isWeak: true));
            using var notModified = await http.SendAsync(revalidate);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Equal(Immutable, notModified.Headers.CacheControl!.ToString());
            Assert.Contains("Accept-Encoding", notModified.Headers.Vary);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        }
        Assert.Equal(3, etags.Values.Select(e => e.Tag).Distinct().Count());

        // A tag of another coding is another representation: the full response.
        using var mismatched = new HttpRequestMessage(HttpMethod.Get, modulePath);
        mismatched.Headers.AcceptEncoding.ParseAdd("br");
        mismatched.Headers.IfNoneMatch.Add(etags["gzip"]);
        using var full = await http.SendAsync(mismatched);
        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        Assert.Equal(["br"], full.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task Head_gets_the_headers_without_the_body()
    {
        await using var host = await KestrelHost.StartAsync();
        using var http = PlainClient(host);
        var modulePath = await ModulePathAsync(http);
        using var request = new HttpRequestMessage(HttpMethod.Head, modulePath);
        request.Headers.AcceptEncoding.ParseAdd("br");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["br"], response.Content.Headers.ContentEncoding);
        Assert.True(response.Content.Headers.ContentLength is > 0 and <= WireBudget);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_source_map_is_served_beside_the_module_and_carries_the_readable_source()
    {
        await using var host = await KestrelHost.StartAsync();
        using var http = PlainClient(host);
        var modulePath = await ModulePathAsync(http);
        var module = Encoding.UTF8.GetString(await IdentityAsync(http, modulePath));
        var mapUrl = SourceMappingUrl().Match(module).Groups[1].Value;
        var mapPath = new Uri(new Uri(host.BaseAddress, modulePath), mapUrl).AbsolutePath;
        Assert.Equal(modulePath + ".map", mapPath);

        using var request = new HttpRequestMessage(HttpMethod.Get, mapPath);
        request.Headers.AcceptEncoding.ParseAdd("br");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Immutable, response.Headers.CacheControl!.ToString());
        Assert.Equal(["br"], response.Content.Headers.ContentEncoding);
        using var map = JsonDocument.Parse(Decompress(await response.Content.ReadAsByteArrayAsync(), "br"));
        Assert.Equal(3, map.RootElement.GetProperty("version").GetInt32());
        var sources = map.RootElement.GetProperty("sources").EnumerateArray().Select(s => s.GetString()).ToList();
        var index = sources.IndexOf("rxstreams.js");
        Assert.True(index >= 0, "the map names rxstreams.js: " + string.Join(", ", sources));
        var readable = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "src", "RxStreams.AspNetCore", "Client", "rxstreams.js"));
        Assert.Equal(readable, map.RootElement.GetProperty("sourcesContent")[index].GetString());
    }

    [Fact]
    public async Task The_declarations_are_served_compressed_at_the_stable_url_and_at_the_fingerprinted_one_the_module_names()
    {
        await using var host = await KestrelHost.StartAsync();
        using var http = PlainClient(host);
        var expected = await File.ReadAllBytesAsync(Path.Combine(Repository.Root, "src", "RxStreams.AspNetCore", "Client", "rxstreams.d.ts"));

        using var stable = new HttpRequestMessage(HttpMethod.Get, "/rx/client.d.ts");
        stable.Headers.AcceptEncoding.ParseAdd("gzip");
        using var response = await http.SendAsync(stable);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl!.NoCache);
        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        Assert.Equal(expected, Decompress(await response.Content.ReadAsByteArrayAsync(), "gzip"));

        using var module = await http.GetAsync("/rx/client.js");
        var types = Assert.Single(module.Headers.GetValues("X-TypeScript-Types"));
        var typesPath = new Uri(new Uri(host.BaseAddress, "/rx/client.js"), types).AbsolutePath;
        Assert.Matches(@"^/rx/client\.[0-9a-f]{16}\.d\.ts$", typesPath);
        using var fingerprinted = await http.GetAsync(typesPath);
        Assert.Equal(Immutable, fingerprinted.Headers.CacheControl!.ToString());
        Assert.Equal(expected, await fingerprinted.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Another_fingerprint_is_not_found()
    {
        await using var host = await KestrelHost.StartAsync();
        using var http = PlainClient(host);
        using var response = await http.GetAsync("/rx/client.0123456789abcdef.js");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public void The_import_map_sends_the_stable_url_to_the_fingerprinted_module()
    {
        using var map = JsonDocument.Parse(RxStreamsBrowserClient.ImportMap());
        Assert.Equal(RxStreamsBrowserClient.ModulePath(), map.RootElement.GetProperty("imports").GetProperty("/rx/client.js").GetString());

        var entries = RxStreamsBrowserClient.ImportMapEntries("/app/rx/");
        Assert.Equal(RxStreamsBrowserClient.ModulePath("/app/rx"), entries["/app/rx/client.js"]);
        Assert.StartsWith("/app/rx/client.", entries["/app/rx/client.js"], StringComparison.Ordinal);

        // Safe inside a <script> element whatever the pattern.
        Assert.DoesNotContain("</script>", RxStreamsBrowserClient.ImportMap("/x</script>"), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => RxStreamsBrowserClient.ImportMap(""));
    }

    [Theory]
    [InlineData("gzip, deflate, br, zstd", "br")]
    [InlineData("gzip", "gzip")]
    [InlineData("br", "br")]
    [InlineData("gzip;q=1.0, br;q=0.5", "gzip")]
    [InlineData("br;q=0, gzip", "gzip")]
    [InlineData("br;q=0, gzip;q=0", null)]
    [InlineData("*", "br")]
    [InlineData("*;q=0.1, gzip;q=0.5", "gzip")]
    [InlineData("identity", null)]
    [InlineData("deflate", null)]
    [InlineData("", null)]
    [InlineData("GZIP", "gzip")]
    [InlineData(";;q=bogus,", null)]
    public void Accept_encoding_picks_the_coding(string header, string? expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.AcceptEncoding = header;
        Assert.Equal(expected, AcceptEncoding.Choose(context.Request));
    }

    [Fact]
    public async Task The_peer_to_peer_module_is_served_beside_the_client_which_imports_it_only_when_asked()
    {
        await using var host = await KestrelHost.StartAsync();
        using var http = PlainClient(host);

        // /rx/peer.js re-exports its fingerprinted module, as /rx/client.js does, served the same way.
        var entry = await http.GetStringAsync("/rx/peer.js");
        var file = PeerReExport().Match(entry);
        Assert.True(file.Success, "/rx/peer.js re-exports a module: " + entry);
        var peerPath = "/rx/" + file.Groups[1].Value;
        var built = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "src", "RxStreams.AspNetCore", "Client", "dist", "peer.js"));
        Assert.Equal(built + "//# sourceMappingURL=" + file.Groups[1].Value + ".map\n", Encoding.UTF8.GetString(await IdentityAsync(http, peerPath)));
        foreach (var coding in new[] { "br", "gzip" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, peerPath);
            request.Headers.AcceptEncoding.ParseAdd(coding);
            using var response = await http.SendAsync(request);
            Assert.Equal([coding], response.Content.Headers.ContentEncoding);
            Assert.Equal(Immutable, response.Headers.CacheControl!.ToString());
            output.WriteLine($"{peerPath}, Content-Encoding: {coding}: {(await response.Content.ReadAsByteArrayAsync()).Length} bytes on the wire");
        }

        // The client names it by its stable URL, relative to itself, in a dynamic import: not bundled in, not loaded
        // before a page asks for peerToPeer.
        var client = await http.GetStringAsync(await ModulePathAsync(http));
        Assert.Contains("import(\"./peer.js\")", client, StringComparison.Ordinal);
        Assert.DoesNotContain("RTCPeerConnection", client, StringComparison.Ordinal);
    }

    /// <summary>An HttpClient that decompresses nothing, so what the test reads is what came over the wire.</summary>
    private static HttpClient PlainClient(KestrelHost host)
        => new(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = host.BaseAddress };

    /// <summary>The fingerprinted module's path, as the stable URL names it.</summary>
    private static async Task<string> ModulePathAsync(HttpClient http)
    {
        var entry = await http.GetStringAsync("/rx/client.js");
        var file = ReExport().Match(entry);
        Assert.True(file.Success, "/rx/client.js re-exports a module: " + entry);
        return "/rx/" + file.Groups[1].Value;
    }

    private static async Task<byte[]> IdentityAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static byte[] Decompress(byte[] bytes, string coding)
    {
        using var input = new MemoryStream(bytes);
        using Stream decoder = coding == "br" ? new BrotliStream(input, CompressionMode.Decompress) : new GZipStream(input, CompressionMode.Decompress);
        using var result = new MemoryStream();
        decoder.CopyTo(result);
        return result.ToArray();
    }

    [GeneratedRegex("""^export \* from "\./(client\.[0-9a-f]{16}\.js)";\n$""")]
    private static partial Regex ReExport();

    [GeneratedRegex("""^export \* from "\./(peer\.[0-9a-f]{16}\.js)";\n$""")]
    private static partial Regex PeerReExport();

    [GeneratedRegex(@"^/rx/client\.[0-9a-f]{16}\.js$")]
    private static partial Regex FingerprintedModule();

    [GeneratedRegex(@"//# sourceMappingURL=(\S+)\n$")]
    private static partial Regex SourceMappingUrl();
}
