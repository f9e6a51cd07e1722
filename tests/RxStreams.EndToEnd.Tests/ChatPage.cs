using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace RxStreams.EndToEnd.Tests;

/// <summary>One simulated user: a browser context of its own, on the chat page, found by accessible names.</summary>
public sealed class ChatPage : IAsyncDisposable
{
    private readonly List<string> _errors = [];

    private ChatPage(IBrowserContext context, IPage page, string name)
    {
        Context = context;
        Page = page;
        Name = name;
        page.Dialog += (_, dialog) =>
        {
            Dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };
        page.PageError += (_, error) => _errors.Add(error);
        page.WebSocket += (_, socket) => WebSocketUrls.Add(socket.Url);
    }

    /// <summary>The URLs of the WebSockets the page opened.</summary>
    public List<string> WebSocketUrls { get; } = [];

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public string Name { get; }

    /// <summary>Every alert/confirm/prompt the page opened (there must never be one).</summary>
    public List<string> Dialogs { get; } = [];

    /// <summary>Uncaught exceptions of the page.</summary>
    public IReadOnlyList<string> Errors => _errors;

    public ILocator Log => Page.GetByRole(AriaRole.Log);

    public ILocator Online => Page.GetByRole(AriaRole.List, new() { Name = "Online", Exact = true });

    public ILocator Rooms => Page.GetByRole(AriaRole.List, new() { Name = "Rooms", Exact = true });

    public ILocator MoreRooms => Page.GetByRole(AriaRole.List, new() { Name = "More rooms", Exact = true });

    public ILocator DirectMessages => Page.GetByRole(AriaRole.List, new() { Name = "Direct messages", Exact = true });

    public ILocator MessageBox => Page.GetByRole(AriaRole.Textbox, new() { Name = "Message", Exact = true });

    public ILocator DisplayName => Page.GetByRole(AriaRole.Textbox, new() { Name = "Display name", Exact = true });

    public ILocator Banner => Page.Locator("#banner");

    /// <summary>Opens the page at <paramref name="url"/> in a new context and signs in as <paramref name="name"/>.</summary>
    /// <param name="browser">The run's browser.</param>
    /// <param name="url">The chat's address.</param>
    /// <param name="name">The display name to sign in with.</param>
    /// <param name="ignoreHttpsErrors">Accept a certificate the browser does not trust (a test's self-signed one).</param>
    public static async Task<ChatPage> SignInAsync(IBrowser browser, string url, string name, bool ignoreHttpsErrors = false)
    {
        var context = await browser.NewContextAsync(new() { BaseURL = url, ViewportSize = new() { Width = 1280, Height = 800 }, IgnoreHTTPSErrors = ignoreHttpsErrors });
        var page = await context.NewPageAsync();
        var chat = new ChatPage(context, page, name);
        await page.GotoAsync("/");
        await chat.DisplayName.FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Start chatting" }).ClickAsync();
        await Expect(chat.Online.GetByRole(AriaRole.Button, new() { Name = name })).ToBeVisibleAsync();
        return chat;
    }

    /// <summary>Types and sends a message in the conversation shown.</summary>
    public async Task SendAsync(string text)
    {
        await MessageBox.FillAsync(text);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Expect(MessageBox).ToHaveValueAsync("");
    }

    /// <summary>The messages whose text is exactly <paramref name="text"/> in the conversation shown.</summary>
    public ILocator Message(string text) => Log.Locator(".text").Filter(new() { HasTextRegex = new Regex("^" + Regex.Escape(text) + "$") });

    /// <summary>Someone in the online list.</summary>
    public ILocator Person(string name) => Online.GetByRole(AriaRole.Button, new() { Name = name });

    /// <summary>An entry of a sidebar list (room or conversation) by its label.</summary>
    public ILocator Entry(ILocator list, string label) => list.GetByRole(AriaRole.Button).Filter(new() { Has = Page.Locator(".label", new() { HasTextRegex = new Regex("^" + Regex.Escape(label) + "$") }) });

    /// <summary>The unread badge of an entry.</summary>
    public ILocator Badge(ILocator list, string label) => Entry(list, label).Locator(".badge");

    /// <summary>Shows a room or a conversation.</summary>
    public Task OpenAsync(ILocator list, string label) => Entry(list, label).ClickAsync();

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}
