using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace RxStreams.EndToEnd.Tests;

/// <summary>
/// A user's own view of people, kept by the server: a name given to a contact, and a direct conversation removed from
/// the list, on two instances of the chat sharing Redis, with the same user on both and a reload in between.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ContactTests(EndToEndFixture fixture)
{
    [Fact]
    public async Task A_contact_name_and_a_removed_conversation_follow_the_user_to_every_device_and_reload_until_the_peer_writes_again()
    {
        var redis = (await fixture.RedisAsync()).ConnectionString;
        await using var first = await ChatServer.StartAsync(redis);
        await using var second = await ChatServer.StartAsync(redis);
        await using var alice = await ChatPage.SignInAsync(fixture.Browser, first.Url, "Alice");
        await using var bob = await ChatPage.SignInAsync(fixture.Browser, second.Url, "Bob");
        // Alice's other device: her cookie, the other instance, a storage of its own (another origin).
        var elsewhere = await alice.Context.NewPageAsync();
        await elsewhere.GotoAsync(second.Url);
        var elsewhereDms = elsewhere.GetByRole(AriaRole.List, new() { Name = "Direct messages", Exact = true });
        await Expect(elsewhere.GetByRole(AriaRole.List, new() { Name = "Online", Exact = true }).GetByRole(AriaRole.Button, new() { Name = "Bob" })).ToBeVisibleAsync();

        await bob.Person("Alice").ClickAsync();
        await bob.SendAsync("hi Alice");
        await alice.OpenAsync(alice.DirectMessages, "Bob");
        await Expect(alice.Message("hi Alice")).ToHaveCountAsync(1);

        // Alice names Bob. Only she sees it, everywhere she is, after a reload too.
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        await alice.Page.GetByRole(AriaRole.Textbox, new() { Name = "Contact name" }).FillAsync("Bobby (work)");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(alice.Page.GetByRole(AriaRole.Heading, new() { Name = "@ Bobby (work)" })).ToBeVisibleAsync();
        await Expect(alice.Entry(alice.DirectMessages, "Bobby (work)")).ToBeVisibleAsync();
        await Expect(alice.Log.Locator(".author").Filter(new() { HasTextRegex = new Regex("^Bobby \\(work\\)$") })).ToHaveCountAsync(1);
        await Expect(Entry(elsewhereDms, "Bobby (work)")).ToBeVisibleAsync();
        await alice.Page.ReloadAsync();
        await Expect(alice.Entry(alice.DirectMessages, "Bobby (work)")).ToBeVisibleAsync();
        await Expect(alice.Entry(alice.DirectMessages, "Bob")).ToHaveCountAsync(0);
        await Expect(bob.Page.GetByText("Bobby (work)")).ToHaveCountAsync(0);
        await Expect(bob.DisplayName).ToHaveValueAsync("Bob");

        // Alice removes the conversation: gone on both devices, and after a reload.
        await alice.OpenAsync(alice.DirectMessages, "Bobby (work)");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Expect(alice.DirectMessages.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(0);
        await Expect(elsewhereDms.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(0);
        await alice.Page.ReloadAsync();
        await Expect(alice.Person("Bob")).ToBeVisibleAsync(); // back in #general, connected
        await Expect(alice.DirectMessages.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(0);

        // Bob writes again (on the stream he kept open): the conversation comes back, still named, with what is new unread.
        await bob.SendAsync("still there?");
        await Expect(alice.Badge(alice.DirectMessages, "Bobby (work)")).ToHaveTextAsync("1");
        await Expect(Entry(elsewhereDms, "Bobby (work)")).ToBeVisibleAsync();
        await alice.OpenAsync(alice.DirectMessages, "Bobby (work)");
        await Expect(alice.Message("hi Alice")).ToHaveCountAsync(1);
        await Expect(alice.Message("still there?")).ToHaveCountAsync(1);

        // Back to his own name: an empty contact name.
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        await alice.Page.GetByRole(AriaRole.Textbox, new() { Name = "Contact name" }).FillAsync("");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(Entry(elsewhereDms, "Bob")).ToBeVisibleAsync();
        await Expect(alice.Entry(alice.DirectMessages, "Bob")).ToBeVisibleAsync();

        Assert.Empty(alice.Errors);
        Assert.Empty(bob.Errors);
        await elsewhere.CloseAsync();
    }

    private static ILocator Entry(ILocator list, string label)
        => list.GetByRole(AriaRole.Button).Filter(new() { Has = list.Page.Locator(".label", new() { HasTextRegex = new Regex("^" + Regex.Escape(label) + "$") }) });
}
