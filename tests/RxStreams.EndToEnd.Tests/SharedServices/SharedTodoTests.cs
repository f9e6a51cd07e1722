using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RxStreams.Testing;
using SharedServices;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace RxStreams.EndToEnd.Tests.SharedServices;

/// <summary>
/// The SharedServices to-do list (a realtime model) on two nodes over one real Redis, edited from two browsers, one on
/// each node, at the same time: every edit is kept, both pages end on the same list, a bad edit is refused.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SharedTodoTests(EndToEndFixture run, ITestOutputHelper output) : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private readonly List<WebApplication> _nodes = [];
    private readonly List<IBrowserContext> _contexts = [];
    private readonly List<string> _pageErrors = [];

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(20_000);
        _redis = await RedisServer.StartAsync();
        for (var i = 0; i < 2; i++)
        {
            var app = SharedServicesApp.Build(
            [
                "--urls=http://127.0.0.1:0",
                "--contentRoot=" + SharedServicesFixture.ExampleDirectory(),
                "--redis=" + _redis.ConnectionString,
                "--Logging:LogLevel:Default=Warning",
            ]);
            await app.StartAsync();
            _nodes.Add(app);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }
        foreach (var app in _nodes)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        await _redis.DisposeAsync();
    }

    private async Task<IPage> TabAsync(string tab, WebApplication node)
    {
        var context = await run.Browser.NewContextAsync();
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.Console += (_, message) => Log($"{tab} console.{message.Type}: {message.Text}");
        page.PageError += (_, error) => Log($"{tab} page error: {error}");
        await page.GotoAsync(node.Urls.Single());
        await Expect(page.Locator("#connection")).ToHaveTextAsync("connected");
        return page;
    }

    private void Log(string line)
    {
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test is over; the tab is closing.
        }
        if (line.Contains(" page error: ", StringComparison.Ordinal) || line.Contains(" console.error: ", StringComparison.Ordinal))
        {
            lock (_pageErrors)
            {
                _pageErrors.Add(line);
            }
        }
    }

    private static ILocator Items(IPage page) => page.GetByRole(AriaRole.List, new() { Name = "To-do items" }).GetByRole(AriaRole.Listitem);

    private static async Task AddAsync(IPage page, string text)
    {
        await page.GetByLabel("New item").FillAsync(text);
        await page.GetByLabel("New item").PressAsync("Enter");
    }

    [Fact]
    public async Task Two_browsers_on_two_nodes_edit_the_list_at_once_and_lose_nothing()
    {
        const int PerBrowser = 6;
        var a = await TabAsync("A", _nodes[0]);
        var b = await TabAsync("B", _nodes[1]);

        // Both add at the same time, each through its own node: every item is on both pages.
        await Task.WhenAll(
            Task.Run(async () => { for (var i = 0; i < PerBrowser; i++) { await AddAsync(a, $"from A {i}"); } }),
            Task.Run(async () => { for (var i = 0; i < PerBrowser; i++) { await AddAsync(b, $"from B {i}"); } }));
        foreach (var page in new[] { a, b })
        {
            await Expect(Items(page)).ToHaveCountAsync(2 * PerBrowser);
            for (var i = 0; i < PerBrowser; i++)
            {
                await Expect(Items(page).Filter(new() { HasText = $"from A {i}" })).ToHaveCountAsync(1);
                await Expect(Items(page).Filter(new() { HasText = $"from B {i}" })).ToHaveCountAsync(1);
            }
            await Expect(page.GetByLabel("List version")).ToHaveTextAsync((2 * PerBrowser).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        // A ticks an item; B removes another: each sees the other's change.
        await Items(a).Filter(new() { HasText = "from B 0" }).GetByRole(AriaRole.Checkbox).CheckAsync();
        await Expect(Items(b).Filter(new() { HasText = "from B 0" }).GetByRole(AriaRole.Checkbox)).ToBeCheckedAsync();
        await b.GetByRole(AriaRole.Button, new() { Name = "Remove from A 0" }).ClickAsync();
        await Expect(Items(a)).ToHaveCountAsync(2 * PerBrowser - 1);
        await Expect(Items(a).Filter(new() { HasText = "from A 0" })).ToHaveCountAsync(0);

        // The server refuses a bad edit (blank text), and the list does not change.
        await AddAsync(a, "   ");
        await Expect(a.GetByRole(AriaRole.Status).Filter(new() { HasText = "An item needs some text." })).ToBeVisibleAsync();
        await Expect(Items(b)).ToHaveCountAsync(2 * PerBrowser - 1);

        // The nodes agree with the pages.
        var hub = _nodes[0].Services.GetRequiredService<IStreamHub>();
        var list = await TodoHandler.Model(hub, "team").GetAsync();
        Assert.Equal(2 * PerBrowser - 1, list.State.Items!.Count);
        Assert.Equal(2 * PerBrowser + 2, list.Version);
        lock (_pageErrors)
        {
            Assert.Empty(_pageErrors);
        }
    }
}
