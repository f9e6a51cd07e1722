using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using SharedServices;

namespace RxStreams.EndToEnd.Tests.SharedServices;

/// <summary>
/// The SharedServices example on real Kestrel (127.0.0.1, a free port, in this process, in-memory backplane). The
/// browser is the run's one chromium (<see cref="EndToEndFixture"/>): each tab is a browser context of its own, as
/// separate browsers would be.
/// </summary>
public sealed class SharedServicesFixture : IAsyncLifetime
{
    private WebApplication? _app;

    /// <summary>The example's address, for example <c>http://127.0.0.1:41234</c>.</summary>
    public string Url { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(20_000);
        _app = SharedServicesApp.Build(
        [
            "--urls=http://127.0.0.1:0",
            "--contentRoot=" + ExampleDirectory(),
            "--Logging:LogLevel:Default=Warning",
        ]);
        await _app.StartAsync();
        Url = _app.Urls.Single();
    }

    /// <summary>
    /// A new tab in a new browser context, on the example's page (this fixture's, or the one at <paramref name="url"/>),
    /// once its client is connected. What the page logs (console and uncaught errors) goes to <paramref name="log"/>,
    /// prefixed with <paramref name="tab"/>.
    /// </summary>
    public async Task<IPage> OpenTabAsync(IBrowser browser, string tab, Action<string> log, string? url = null)
    {
        ArgumentNullException.ThrowIfNull(browser);
        ArgumentNullException.ThrowIfNull(log);
        var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        void Log(string line)
        {
            try
            {
                log(line);
            }
            catch (InvalidOperationException)
            {
                // The test is over (xunit's output refuses lines then); the tab is closing.
            }
        }
        page.Console += (_, message) => Log($"{tab} console.{message.Type}: {message.Text}");
        page.PageError += (_, error) => Log($"{tab} page error: {error}");
        await page.GotoAsync(url ?? Url);
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("connected");
        return page;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>
    /// Another instance of the example (a node), scaled out over the Redis at <paramref name="redis"/>
    /// (<c>host:port</c>). The caller stops and disposes it.
    /// </summary>
    public static async Task<WebApplication> StartNodeAsync(string redis)
    {
        var app = SharedServicesApp.Build(
        [
            "--urls=http://127.0.0.1:0",
            "--contentRoot=" + ExampleDirectory(),
            "--Logging:LogLevel:Default=Warning",
            "--redis=" + redis,
        ]);
        await app.StartAsync();
        return app;
    }

    /// <summary>examples/SharedServices in this repository (its wwwroot is the page), found from the test's output folder.</summary>
    internal static string ExampleDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "examples", "SharedServices");
            if (File.Exists(Path.Combine(candidate, "wwwroot", "index.html")))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException($"examples/SharedServices was not found above {AppContext.BaseDirectory}.");
    }
}
