using Microsoft.Playwright;
using RxStreams.Testing;
using static Microsoft.Playwright.Assertions;

namespace RxStreams.EndToEnd.Tests;

/// <summary>
/// Makes the README's screenshots (docs/images/chat.png and chat-dark.png: a few people, rooms, messages with
/// emoji, unread badges and someone typing; docs/images/chat-call.png: a video call, with the fake camera). Every run renders them into the test output (screenshots/); set
/// RXSTREAMS_UPDATE_SCREENSHOTS=1 to write them into docs/images as well. Emoji need a color emoji font
/// (Debian: fonts-noto-color-emoji).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ScreenshotTests(EndToEndFixture fixture)
{
    [Theory]
    [InlineData(ColorScheme.Light, "chat.png")]
    [InlineData(ColorScheme.Dark, "chat-dark.png")]
    public async Task The_readme_screenshot(ColorScheme scheme, string file)
    {
        await using var server = await ChatServer.StartAsync();
        await using var bob = await ChatPage.SignInAsync(fixture.Browser, server.Url, "Bob Stone");
        await using var carol = await ChatPage.SignInAsync(fixture.Browser, server.Url, "Carol Diaz");
        await using var dave = await ChatPage.SignInAsync(fixture.Browser, server.Url, "Dave Kim");
        await bob.SendAsync("Morning all :wave: the new build is up on staging");
        await carol.SendAsync("Nice! I deployed twice and my tab just carried on :tada:");
        await carol.SendAsync("Resumed right after the last message it had: no gap, no duplicate.");

        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = server.Url, ViewportSize = new() { Width = 1280, Height = 760 }, ColorScheme = scheme });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Display name" }).FillAsync("Ada Lovelace");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start chatting" }).ClickAsync();
        var message = page.GetByRole(AriaRole.Textbox, new() { Name = "Message", Exact = true });
        await page.GetByRole(AriaRole.List, new() { Name = "More rooms" }).GetByRole(AriaRole.Button, new() { Name = "random" }).ClickAsync();
        await page.GetByRole(AriaRole.Textbox, new() { Name = "New room name" }).FillAsync("Design Review");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create room" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "# design-review" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.List, new() { Name = "Rooms", Exact = true }).GetByRole(AriaRole.Button, new() { Name = "general" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.List, new() { Name = "Online", Exact = true }).GetByRole(AriaRole.Listitem)).ToHaveCountAsync(4);

        await message.FillAsync("Same here :rocket: one socket, all rooms, presence and typing on it");
        await message.PressAsync("Enter");
        await bob.SendAsync(":+1:");
        await dave.SendAsync("Who's up for :coffee: before the demo?");
        await carol.SendAsync(":fire: :fire: :fire:");

        // Unread: Bob in #random, Carol privately.
        await bob.OpenAsync(bob.MoreRooms, "random");
        await bob.SendAsync("Lunch poll in 10 minutes :pizza:");
        await bob.SendAsync("Vote with emoji!");
        await bob.SendAsync("(and yes, reactions are on the roadmap)");
        await carol.Person("Ada Lovelace").ClickAsync();
        await carol.SendAsync("Got a minute after standup? :eyes:");
        await Expect(page.Locator(".badge")).ToHaveCountAsync(2);

        // Dave types.
        await dave.MessageBox.PressSequentiallyAsync("I can take the first");
        await Expect(page.Locator("#typing")).ToHaveTextAsync("Dave Kim is typing…");
        await page.GetByRole(AriaRole.Log).Locator(".message").Last.ScrollIntoViewIfNeededAsync();

        await SaveAsync(page, file);
        await context.CloseAsync();
    }

    [Fact]
    public async Task The_readme_call_screenshot()
    {
        await using var server = await ChatServer.StartAsync();
        await using var ada = await ChatPage.SignInAsync(fixture.Browser, server.Url, "Ada Lovelace");
        await using var grace = await ChatPage.SignInAsync(fixture.Browser, server.Url, "Grace Hopper");
        await grace.Person("Ada Lovelace").ClickAsync();
        await grace.SendAsync("Quick call about the release? :eyes:");
        await ada.OpenAsync(ada.DirectMessages, "Grace Hopper");
        await ada.SendAsync("Sure, calling you now :+1:");
        await ada.Page.GetByRole(AriaRole.Button, new() { Name = "Video call" }).ClickAsync();
        await grace.Page.GetByRole(AriaRole.Alertdialog, new() { Name = "Incoming call" }).GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await Expect(ada.Page.Locator("#call-status")).ToHaveTextAsync("In a call with Grace Hopper");
        await ada.Page.WaitForFunctionAsync("() => { const v = document.getElementById('remote-video'); return v.videoWidth > 0 && v.currentTime > 1; }", null, new() { Timeout = 30_000 });
        await SaveAsync(ada.Page, "chat-call.png");
    }

    private static async Task SaveAsync(IPage page, string file)
    {
        var output = Path.Combine(AppContext.BaseDirectory, "screenshots", file);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await page.ScreenshotAsync(new() { Path = output });
        if (Environment.GetEnvironmentVariable("RXSTREAMS_UPDATE_SCREENSHOTS") == "1")
        {
            var images = Path.Combine(Repository.Root, "docs", "images");
            Directory.CreateDirectory(images);
            File.Copy(output, Path.Combine(images, file), overwrite: true);
        }
    }
}
