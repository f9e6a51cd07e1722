using Microsoft.Extensions.Configuration;
using Microsoft.Playwright;
using RxStreams.Testing;
using static Microsoft.Playwright.Assertions;

namespace RxStreams.EndToEnd.Tests;

/// <summary>
/// The RxStreams admin page of the chat (<c>/rx/admin</c>, for the users listed under <c>Chat:Admins</c>) in
/// Chromium, with two chat nodes on one redis-server: the page shows both nodes through the backplane, its figures
/// move when people connect and talk, and a user who is not an admin gets neither the page nor its stream.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class AdminPageTests(EndToEndFixture fixture)
{
    [Fact]
    public async Task An_admin_sees_both_nodes_and_their_figures_move_and_a_non_admin_is_refused()
    {
        var redis = (await fixture.RedisAsync()).ConnectionString;
        IConfiguration? firstSettings = null, secondSettings = null;
        await using var first = await ChatServer.StartAsync(redis, configure: b => (firstSettings = b.Configuration)["Chat:NodeName"] = "chat-1");
        await using var second = await ChatServer.StartAsync(redis, configure: b => (secondSettings = b.Configuration)["Chat:NodeName"] = "chat-2");
        await using var ada = await ChatPage.SignInAsync(fixture.Browser, first.Url, "Ada");
        await using var bob = await ChatPage.SignInAsync(fixture.Browser, second.Url, "Bob");

        // Ada becomes an admin as the chat's README says: her user id (from /api/me) listed under Chat:Admins, on
        // every node (read at each check: no restart).
        var adaId = await ada.Page.EvaluateAsync<string>("async () => (await (await fetch('/api/me')).json()).id");
        firstSettings!["Chat:Admins:0"] = adaId;
        secondSettings!["Chat:Admins:0"] = adaId;

        // Bob is not an admin: the page answers 403, and its stream, opened over the protocol with his own login, is
        // refused with "forbidden". Someone signed out gets 401.
        Assert.Equal(403, (await bob.Context.APIRequest.GetAsync("/rx/admin")).Status);
        Assert.Equal(403, (await bob.Context.APIRequest.GetAsync("/rx/admin/admin.js")).Status);
        var refusal = await bob.Page.EvaluateAsync<string>("""
            async () => {
              const { connect } = await import("/rx/client.js");
              const rx = connect("/rx");
              try {
                return await new Promise(resolve => rx.open("$admin").subscribe({ next: () => resolve("got a view"), error: e => resolve(e.code) }));
              } finally { rx.close(); }
            }
            """);
        Assert.Equal("forbidden", refusal);
        var stranger = await fixture.Browser.NewContextAsync(new() { BaseURL = first.Url });
        Assert.Equal(401, (await stranger.APIRequest.GetAsync("/rx/admin")).Status);
        await stranger.CloseAsync();

        // Ada's admin page, served by the first node, shows both nodes: the second one's figures came through Redis.
        var page = await ada.Context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        Assert.Equal(200, (await page.GotoAsync("/rx/admin"))!.Status);
        await Expect(page.Locator("#status")).ToHaveTextAsync("live");
        var nodes = page.Locator("#nodes tbody tr[data-node]");
        await Expect(nodes).ToHaveCountAsync(2);
        await Expect(nodes.Locator("td[data-field=name]")).ToContainTextAsync(["chat-1", "chat-2"]);
        // Each chat page subscribes to the room (its messages, and its unread count): a figure that follows people.
        var generalSubscribers = page.Locator("#channels tr[data-channel='chat:general'] td[data-field=subscribers]");
        await Expect(generalSubscribers).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[1-9][0-9]*$"));
        var subscribersBefore = int.Parse(await generalSubscribers.TextContentAsync() ?? "", System.Globalization.CultureInfo.InvariantCulture);
        await Expect(page.Locator("#presence tbody tr[data-presence]").First).ToBeVisibleAsync();

        // Carol connects to the second node: its connection count (on Ada's page, from the first node) goes up.
        var secondConnections = nodes.Filter(new() { HasText = "chat-2" }).Locator("td[data-field=connections]");
        var before = int.Parse(await secondConnections.TextContentAsync() ?? "", System.Globalization.CultureInfo.InvariantCulture);
        await using var carol = await ChatPage.SignInAsync(fixture.Browser, second.Url, "Carol");
        await page.WaitForFunctionAsync(
            """
            before => {
              const row = [...document.querySelectorAll("#nodes tr[data-node]")].find(r => r.querySelector("td[data-field=name]").textContent.startsWith("chat-2"));
              return row !== undefined && parseInt(row.querySelector("td[data-field=connections]").textContent, 10) > before;
            }
            """,
            before, new() { Timeout = 30_000 });
        await page.WaitForFunctionAsync(
            "before => parseInt(document.querySelector(\"#channels tr[data-channel='chat:general'] td[data-field=subscribers]\").textContent, 10) > before",
            subscribersBefore, new() { Timeout = 30_000 });

        // People talk: the room's rate and the cluster's items per second rise above zero while they do.
        using var talking = new CancellationTokenSource();
        var talk = Task.Run(async () =>
        {
            for (var i = 0; !talking.IsCancellationRequested; i++)
            {
                await (i % 2 == 0 ? bob : carol).SendAsync($"message {i}");
            }
        });
        await page.WaitForFunctionAsync(
            "() => parseFloat(document.querySelector(\"#channels tr[data-channel='chat:general'] td[data-field=rate]\").textContent) > 0",
            null, new() { Timeout = 30_000 });
        await talking.CancelAsync();
        await talk;
        await Expect(page.Locator("#totals [data-total='items/s'] svg.spark polyline")).ToHaveCountAsync(1);
        await SaveScreenshotAsync(page);

        // The second node stops: it leaves Ada's page once its snapshots stop coming.
        await second.StopAsync();
        await Expect(nodes).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Expect(nodes.Locator("td[data-field=name]")).ToContainTextAsync("chat-1");
        Assert.Empty(errors);
    }

    /// <summary>docs/images/admin.png, as the screenshot tests do (RXSTREAMS_UPDATE_SCREENSHOTS=1 writes it there).</summary>
    private static async Task SaveScreenshotAsync(IPage page)
    {
        var output = Path.Combine(AppContext.BaseDirectory, "screenshots", "admin.png");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await page.SetViewportSizeAsync(1280, 900);
        await page.ScreenshotAsync(new() { Path = output, FullPage = true });
        if (Environment.GetEnvironmentVariable("RXSTREAMS_UPDATE_SCREENSHOTS") == "1")
        {
            File.Copy(output, Path.Combine(Repository.Root, "docs", "images", "admin.png"), overwrite: true);
        }
    }
}
