using System.Diagnostics;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace RxStreams.EndToEnd.Tests.SharedServices;

/// <summary>
/// The SharedServices example in headless chromium: a tab hosts a named service (rx.listen), others connect to it
/// (rx.connect) through the server, the host goes away and a caller takes over. Every wait is on a condition.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SharedServicesTests(EndToEndFixture run, SharedServicesFixture fixture, ITestOutputHelper output) : IClassFixture<SharedServicesFixture>
{
    private readonly List<string> _pageErrors = [];

    /// <summary>What the tabs log; uncaught errors and console errors fail the test at its end.</summary>
    private void Log(string line)
    {
        output.WriteLine(line);
        if (line.Contains(" page error: ", StringComparison.Ordinal) || line.Contains(" console.error: ", StringComparison.Ordinal))
        {
            lock (_pageErrors)
            {
                _pageErrors.Add(line);
            }
        }
    }

    private void AssertNoPageErrors()
    {
        lock (_pageErrors)
        {
            Assert.Empty(_pageErrors);
        }
    }

    [Fact]
    public async Task A_tab_hosts_a_counter_others_connect_and_one_takes_over_when_the_host_leaves()
    {
        var clock = Stopwatch.StartNew();
        const string Name = "room1-counter";

        // A hosts the service: the state lives in A.
        var a = await fixture.OpenTabAsync(run.Browser, "A", Log);
        await Host(a, Name);
        await Expect(a.GetByLabel("Count", new() { Exact = true })).ToHaveTextAsync("0");
        await Expect(ServerButton(a, Name)).ToBeVisibleAsync();

        // B cannot host the same name while A lives (name_taken); it connects instead.
        var b = await fixture.OpenTabAsync(run.Browser, "B", Log);
        await Expect(ServerButton(b, Name)).ToBeVisibleAsync();
        await Host(b, Name, expect: $"\"{Name}\" is taken");
        await Connect(b, Name);
        await Expect(a.GetByLabel("Connected callers")).ToHaveTextAsync("1");
        await Expect(b.GetByLabel("Connected callers")).ToHaveTextAsync("1");

        // Both tabs allow peer to peer: the call moves onto a data channel between them (PeerToPeerTests has the rest).
        await Expect(b.GetByLabel("Link")).ToHaveTextAsync("peer");
        await Expect(a.GetByLabel("Link")).ToHaveTextAsync("1 of 1 callers peer to peer");

        // Both increment; both see the same count.
        await Increment(a);
        await Increment(b);
        await Increment(b);
        await Expect(a.GetByLabel("Count", new() { Exact = true })).ToHaveTextAsync("3");
        await Expect(b.GetByLabel("Count", new() { Exact = true })).ToHaveTextAsync("3");

        // A stroke drawn by the caller reaches the host's whiteboard.
        await DrawStroke(b);
        await Expect(a.GetByLabel("Strokes")).ToHaveTextAsync("1");
        await Expect(b.GetByLabel("Strokes")).ToHaveTextAsync("1");
        output.WriteLine($"hosted, connected, shared: {clock.ElapsedMilliseconds} ms");

        // A's tab closes: B sees the host gone (server_gone), and the server's view loses the name.
        await a.Context.CloseAsync();
        await Expect(b.Locator("#status")).ToContainTextAsync("Host gone");
        await Expect(ServerButton(b, Name)).ToHaveCountAsync(0);

        // B takes over: it hosts the name now, from the last state it saw.
        await b.GetByRole(AriaRole.Button, new() { Name = "Take over", Exact = true }).ClickAsync();
        await Expect(b.Locator("#status")).ToContainTextAsync($"Hosting \"{Name}\"");
        await Expect(b.GetByLabel("Count", new() { Exact = true })).ToHaveTextAsync("3");
        await Expect(b.GetByLabel("Strokes")).ToHaveTextAsync("1");
        await Expect(ServerButton(b, Name)).ToBeVisibleAsync();

        // A comes back (a new tab) and connects to B's service.
        var a2 = await fixture.OpenTabAsync(run.Browser, "A2", Log);
        await Connect(a2, Name);
        await Expect(a2.GetByLabel("Count", new() { Exact = true })).ToHaveTextAsync("3");
        await Expect(a2.GetByLabel("Strokes")).ToHaveTextAsync("1");
        await Expect(b.GetByLabel("Connected callers")).ToHaveTextAsync("1");
        await Increment(a2);
        await Expect(b.GetByLabel("Count", new() { Exact = true })).ToHaveTextAsync("4");
        await Expect(a2.GetByLabel("Count", new() { Exact = true })).ToHaveTextAsync("4");
        output.WriteLine($"host gone, taken over, reconnected: {clock.ElapsedMilliseconds} ms");

        await a2.Context.CloseAsync();
        await Expect(b.GetByLabel("Connected callers")).ToHaveTextAsync("0");
        await b.Context.CloseAsync();
        AssertNoPageErrors();
    }

    [Fact]
    public async Task A_page_invokes_a_hosted_service_with_one_request_and_gets_its_answer()
    {
        const string Name = "room2-counter";
        var host = await fixture.OpenTabAsync(run.Browser, "HOST", Log);
        await Host(host, Name);
        await Increment(host);
        await Expect(host.GetByLabel("Count", new() { Exact = true })).ToHaveTextAsync("1");

        // rx.invoke("$connect/" + name, request): OPEN with the request, then COMPLETE (the only input); the host
        // answers the state first and ends the call when the caller's input ends. An unknown name: no_such_server.
        var caller = await fixture.OpenTabAsync(run.Browser, "CALLER", Log);
        var answer = await caller.EvaluateAsync<string>(
            """
            async (name) => {
              const { connect } = await import("/rx/client.js");
              const rx = connect("/rx");
              try {
                const state = await rx.invoke("$connect/" + name, { op: "increment" }, { timeout: 15000 });
                const missing = await rx.invoke("$connect/nobody-here", { op: "get" }).then(() => "answered", (e) => e.code);
                return `${state.type} ${state.count} ${missing}`;
              } finally {
                rx.close();
              }
            }
            """,
            Name);
        Assert.Equal("state 1 no_such_server", answer);
        await Expect(host.GetByLabel("Count", new() { Exact = true })).ToHaveTextAsync("2");
        await Expect(host.GetByLabel("Connected callers")).ToHaveTextAsync("0");
        await caller.Context.CloseAsync();
        await host.Context.CloseAsync();
        AssertNoPageErrors();
    }

    private static ILocator ServerButton(IPage page, string name)
        => page.GetByRole(AriaRole.List, new() { Name = "Servers" }).GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    private static async Task Host(IPage page, string name, string? expect = null)
    {
        await page.GetByLabel("Service name").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Host", Exact = true }).ClickAsync();
        await Expect(page.Locator("#status")).ToContainTextAsync(expect ?? $"Hosting \"{name}\". ");
    }

    private static async Task Connect(IPage page, string name)
    {
        await page.GetByLabel("Service name").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Connect", Exact = true }).ClickAsync();
        await Expect(page.Locator("#status")).ToContainTextAsync($"Connected to \"{name}\"");
    }

    private static async Task Increment(IPage page)
    {
        var button = page.GetByRole(AriaRole.Button, new() { Name = "Increment", Exact = true });
        await Expect(button).ToBeEnabledAsync();
        await button.ClickAsync();
    }

    private static async Task DrawStroke(IPage page)
    {
        var board = page.GetByRole(AriaRole.Img, new() { Name = "Whiteboard" });
        var box = await board.BoundingBoxAsync() ?? throw new InvalidOperationException("The whiteboard is not visible.");
        await page.Mouse.MoveAsync(box.X + 20, box.Y + 20);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + 120, box.Y + 60, new() { Steps = 8 });
        await page.Mouse.MoveAsync(box.X + 200, box.Y + 30, new() { Steps = 8 });
        await page.Mouse.UpAsync();
    }
}
