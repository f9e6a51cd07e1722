using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RxStreams.AspNetCore;
using RxStreams.Testing;
using static Microsoft.Playwright.Assertions;

namespace RxStreams.EndToEnd.Tests;

/// <summary>
/// The chat's page assets (its app.js and styles.css through MapStaticAssets, the browser client through
/// MapRxStreams) go out compressed under fingerprinted URLs cached for good, so a second visit takes every script
/// and stylesheet from the browser's cache: the server sees no request for them and the network carries no byte.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ChatAssetsTests(EndToEndFixture fixture)
{
    [Fact]
    public async Task A_second_visit_fetches_no_script_or_stylesheet()
    {
        var served = new ConcurrentQueue<string>();
        await using var server = await ChatServer.StartAsync(configure: builder => builder.Services.AddSingleton<IStartupFilter>(new RequestLog(served)));
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = server.Url });
        try
        {
            // The first visit: the page's four files (its script and stylesheet, the client and its model module) come
            // over the network, compressed, fingerprinted, immutable.
            var first = await context.NewPageAsync();
            var firstLoad = await NetworkLog.AttachAsync(first);
            await first.GotoAsync("/");
            await Expect(first.GetByRole(AriaRole.Button, new() { Name = "Start chatting" })).ToBeVisibleAsync();
            var assets = await firstLoad.ScriptsAndStylesheetsAsync(4);
            Assert.Contains(assets, a => a.Path.StartsWith("/app.", StringComparison.Ordinal) && a.Path.EndsWith(".js", StringComparison.Ordinal));
            Assert.Contains(assets, a => a.Path.StartsWith("/styles.", StringComparison.Ordinal) && a.Path.EndsWith(".css", StringComparison.Ordinal));
            Assert.Contains(assets, a => a.Path == RxStreamsBrowserClient.ModulePath());
            Assert.Contains(assets, a => a.Path == RxStreamsBrowserClient.ImportMapEntries()["/rx/model.js"]);
            foreach (var asset in assets)
            {
                Assert.False(asset.FromCache, asset + ": expected from the network the first time");
                Assert.True(asset.EncodedBytes > 0, asset + ": expected bytes on the wire the first time");
                Assert.Contains(asset.Header("content-encoding"), new[] { "br", "gzip" }); // Brotli too, once published
                Assert.Contains("immutable", asset.Header("cache-control") ?? "", StringComparison.Ordinal);
            }
            Assert.DoesNotContain("/rx/client.js", served); // the import map sends the page straight to the fingerprinted module
            Assert.DoesNotContain("/rx/model.js", served); // and model.js's own import of ./client.js too
            Assert.Contains(served, p => p.EndsWith(".js", StringComparison.Ordinal));

            // The second visit, in a new tab: the page is revalidated; its scripts and stylesheet are not even asked for.
            served.Clear();
            var second = await context.NewPageAsync();
            var secondLoad = await NetworkLog.AttachAsync(second);
            await second.GotoAsync("/");
            await Expect(second.GetByRole(AriaRole.Button, new() { Name = "Start chatting" })).ToBeVisibleAsync();
            var again = await secondLoad.ScriptsAndStylesheetsAsync(4);
            Assert.Equal(assets.Select(a => a.Path).Order(), again.Select(a => a.Path).Order());
            foreach (var asset in again)
            {
                Assert.True(asset.FromCache, asset + ": expected from the browser's cache the second time");
                Assert.Equal(0, asset.EncodedBytes);
            }
            Assert.Contains("/", served);
            Assert.DoesNotContain(served, p => p.EndsWith(".js", StringComparison.Ordinal) || p.EndsWith(".css", StringComparison.Ordinal));
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    [Fact]
    public async Task The_page_is_revalidated_by_its_etag_and_answers_head_without_a_body()
    {
        await using var server = await ChatServer.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };

        using var page = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.True(page.Headers.CacheControl!.NoCache, "the page is revalidated, so a new version takes effect at once");
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains(RxStreamsBrowserClient.ImportMap(), html, StringComparison.Ordinal);
        var etag = page.Headers.ETag!;

        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "/");
        revalidate.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"other\""));
        revalidate.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag.Tag, isWeak: true));
        using var notModified = await http.SendAsync(revalidate);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(etag, notModified.Headers.ETag);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        using var stale = new HttpRequestMessage(HttpMethod.Get, "/index.html");
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"other\""));
        using var full = await http.SendAsync(stale);
        Assert.Equal(html, await full.Content.ReadAsStringAsync());

        using var headRequest = new HttpRequestMessage(HttpMethod.Head, "/");
        using var head = await http.SendAsync(headRequest);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(html), head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    /// <summary>Records the path of every request the server receives.</summary>
    private sealed class RequestLog(ConcurrentQueue<string> paths) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, then) =>
            {
                paths.Enqueue(context.Request.Path.Value ?? "");
                return then(context);
            });
            next(app);
        };
    }

    /// <summary>What one page loaded, through the DevTools protocol: where each response came from and its bytes on the wire.</summary>
    private sealed class NetworkLog
    {
        private readonly ConcurrentDictionary<string, Entry> _entries = new();

        public static async Task<NetworkLog> AttachAsync(IPage page)
        {
            var log = new NetworkLog();
            var cdp = await page.Context.NewCDPSessionAsync(page);
            cdp.Event("Network.requestWillBeSent").OnEvent += (_, e) =>
            {
                var type = e!.Value.TryGetProperty("type", out var t) ? t.GetString() : null;
                if (type is "Script" or "Stylesheet")
                {
                    var id = e.Value.GetProperty("requestId").GetString()!;
                    log._entries.TryAdd(id, new Entry(new Uri(e.Value.GetProperty("request").GetProperty("url").GetString()!).AbsolutePath));
                }
            };
            cdp.Event("Network.requestServedFromCache").OnEvent += (_, e) => log.Update(e!.Value, entry => entry.FromCache = true);
            cdp.Event("Network.responseReceived").OnEvent += (_, e) => log.Update(e!.Value, entry =>
            {
                var response = e!.Value.GetProperty("response");
                entry.FromCache |= response.GetProperty("fromDiskCache").GetBoolean()
                    || (response.TryGetProperty("fromMemoryCache", out var memory) && memory.GetBoolean());
                entry.Headers = response.GetProperty("headers").EnumerateObject().ToDictionary(h => h.Name.ToLowerInvariant(), h => h.Value.GetString() ?? "");
            });
            cdp.Event("Network.loadingFinished").OnEvent += (_, e) => log.Update(e!.Value, entry =>
            {
                entry.EncodedBytes = (long)e!.Value.GetProperty("encodedDataLength").GetDouble();
                entry.Finished = true;
            });
            await cdp.SendAsync("Network.enable");
            return log;
        }

        /// <summary>The page's scripts and stylesheets, once <paramref name="count"/> of them have finished loading.</summary>
        public async Task<IReadOnlyList<Entry>> ScriptsAndStylesheetsAsync(int count)
        {
            await Wait.UntilAsync(() => _entries.Values.Count(e => e.Finished) >= count, $"{count} scripts and stylesheets loaded");
            return [.. _entries.Values.Where(e => e.Finished).OrderBy(e => e.Path, StringComparer.Ordinal)];
        }

        private void Update(JsonElement e, Action<Entry> update)
        {
            if (_entries.TryGetValue(e.GetProperty("requestId").GetString()!, out var entry))
            {
                lock (entry)
                {
                    update(entry);
                }
            }
        }

        public sealed class Entry(string path)
        {
            public string Path { get; } = path;

            public bool FromCache { get; set; }

            public long EncodedBytes { get; set; } = -1;

            public bool Finished { get; set; }

            public Dictionary<string, string> Headers { get; set; } = [];

            public string? Header(string name) => Headers.GetValueOrDefault(name);

            public override string ToString() => $"{Path} (from cache: {FromCache}, {EncodedBytes} bytes)";
        }
    }
}
