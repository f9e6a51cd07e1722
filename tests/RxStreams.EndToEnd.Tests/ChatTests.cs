using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace RxStreams.EndToEnd.Tests;

/// <summary>The chat example on one in-memory instance, used by several people at once.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ChatTests(EndToEndFixture fixture) : IAsyncLifetime
{
    private ChatServer _server = null!;
    private readonly List<ChatPage> _pages = [];

    public async Task InitializeAsync() => _server = await ChatServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var page in _pages)
        {
            Assert.Empty(page.Errors);
            await page.DisposeAsync();
        }
        await _server.DisposeAsync();
    }

    private async Task<ChatPage> UserAsync(string name)
    {
        var page = await ChatPage.SignInAsync(fixture.Browser, _server.Url, name);
        _pages.Add(page);
        return page;
    }

    [Fact]
    public async Task Two_people_chat_a_third_sees_the_history_and_online_lists_follow_joins_and_leaves()
    {
        var alice = await UserAsync("Alice");
        var bob = await UserAsync("Bob");
        await Expect(alice.Person("Bob")).ToBeVisibleAsync();
        await Expect(bob.Person("Alice")).ToBeVisibleAsync();

        await alice.SendAsync("Hi Bob! :wave:");
        await Expect(bob.Message("Hi Bob! 👋")).ToHaveCountAsync(1);
        await bob.SendAsync("Hello Alice");
        await Expect(alice.Message("Hello Alice")).ToHaveCountAsync(1);
        await Expect(alice.Message("Hi Bob! 👋")).ToHaveCountAsync(1);

        var carol = await UserAsync("Carol");
        await Expect(carol.Message("Hi Bob! 👋")).ToHaveCountAsync(1);
        await Expect(carol.Message("Hello Alice")).ToHaveCountAsync(1);
        foreach (var page in new[] { alice, bob, carol })
        {
            await Expect(page.Online.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(3);
        }

        // Bob leaves (closes his browser): the others see him go.
        _pages.Remove(bob);
        await bob.DisposeAsync();
        await Expect(alice.Person("Bob")).ToHaveCountAsync(0);
        await Expect(carol.Person("Bob")).ToHaveCountAsync(0);
        await Expect(alice.Online.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(2);

        // A name change shows everywhere, and the resumed streams show nothing twice.
        await carol.DisplayName.FillAsync("Carol B.");
        await carol.DisplayName.PressAsync("Enter");
        await Expect(alice.Person("Carol B.")).ToBeVisibleAsync();
        await carol.SendAsync("new name, same me");
        await Expect(alice.Message("new name, same me")).ToHaveCountAsync(1);
        await Expect(carol.Message("Hello Alice")).ToHaveCountAsync(1);
        await Expect(alice.Log.Locator(".author").Last).ToHaveTextAsync("Carol B.");
    }

    [Fact]
    public async Task The_room_topic_and_pinned_message_are_a_model_every_member_sees_change()
    {
        var alice = await UserAsync("Alice");
        var bob = await UserAsync("Bob");
        await Expect(alice.Page.GetByLabel("Topic", new() { Exact = true })).ToHaveTextAsync("No topic");

        // Alice sets the topic: Bob's page shows it (a merge patch on the wire, a whole state on the page).
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Set topic" }).ClickAsync();
        await alice.Page.GetByLabel("Room topic").FillAsync("Release day");
        await alice.Page.GetByLabel("Room topic").PressAsync("Enter");
        await Expect(bob.Page.GetByLabel("Topic", new() { Exact = true })).ToHaveTextAsync("Release day");

        // Bob says something; Alice pins it; both see it pinned; Bob unpins it.
        await bob.SendAsync("ship it");
        await Expect(alice.Message("ship it")).ToHaveCountAsync(1);
        await alice.Log.Locator(".message").Filter(new() { HasText = "ship it" }).GetByRole(AriaRole.Button, new() { Name = "Pin message" }).ClickAsync();
        await Expect(bob.Page.GetByLabel("Pinned message")).ToHaveTextAsync("Bob: ship it");
        await Expect(alice.Page.GetByLabel("Pinned message")).ToHaveTextAsync("Bob: ship it");
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Unpin" }).ClickAsync();
        await Expect(alice.Page.GetByLabel("Pinned message")).ToBeHiddenAsync();

        // A newcomer gets the state as it is.
        var carol = await UserAsync("Carol");
        await Expect(carol.Page.GetByLabel("Topic", new() { Exact = true })).ToHaveTextAsync("Release day");
        await Expect(carol.Page.GetByLabel("Pinned message")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_private_message_reaches_only_its_recipient_and_unread_counts_rise_and_clear()
    {
        var alice = await UserAsync("Alice");
        var bob = await UserAsync("Bob");
        var carol = await UserAsync("Carol");
        await Expect(alice.Person("Bob")).ToBeVisibleAsync();

        await alice.Person("Bob").ClickAsync();
        await Expect(alice.Page.GetByRole(AriaRole.Heading, new() { Name = "@ Bob" })).ToBeVisibleAsync();
        await alice.SendAsync("psst, Bob");
        await Expect(bob.Badge(bob.DirectMessages, "Alice")).ToHaveTextAsync("1");
        await alice.SendAsync("are you there?");
        await Expect(bob.Badge(bob.DirectMessages, "Alice")).ToHaveTextAsync("2");
        await Expect(bob.Message("psst, Bob")).ToHaveCountAsync(0); // Bob is still in #general

        await bob.OpenAsync(bob.DirectMessages, "Alice");
        await Expect(bob.Message("psst, Bob")).ToHaveCountAsync(1);
        await Expect(bob.Message("are you there?")).ToHaveCountAsync(1);
        await Expect(bob.Badge(bob.DirectMessages, "Alice")).ToHaveCountAsync(0);
        await bob.SendAsync("here!");
        await Expect(alice.Message("here!")).ToHaveCountAsync(1);

        // Carol has no conversation, and nothing private reached her page.
        await Expect(carol.DirectMessages.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(0);
        await Expect(carol.Page.GetByText("psst, Bob")).ToHaveCountAsync(0);

        // Room counts: Bob joins #random, goes back to #general, and Carol writes in #random.
        await bob.OpenAsync(bob.MoreRooms, "random");
        await carol.OpenAsync(carol.MoreRooms, "random");
        await bob.OpenAsync(bob.Rooms, "general");
        await carol.SendAsync("anyone in random?");
        await carol.SendAsync("hello?");
        await Expect(bob.Badge(bob.Rooms, "random")).ToHaveTextAsync("2");
        await Expect(bob.Page).ToHaveTitleAsync("(2) RxStreams chat");

        // The count is the server's: it survives a reload, and reading clears it for good.
        await bob.Page.ReloadAsync();
        await Expect(bob.Badge(bob.Rooms, "random")).ToHaveTextAsync("2");
        await bob.OpenAsync(bob.Rooms, "random");
        await Expect(bob.Message("hello?")).ToHaveCountAsync(1);
        await bob.OpenAsync(bob.Rooms, "general");
        await bob.Page.ReloadAsync();
        await Expect(bob.Entry(bob.Rooms, "random")).ToBeVisibleAsync();
        await Expect(bob.Badge(bob.Rooms, "random")).ToHaveCountAsync(0);
        await Expect(bob.Page).ToHaveTitleAsync("RxStreams chat");
    }

    [Fact]
    public async Task Markup_in_messages_and_names_is_shown_as_text_and_runs_nothing()
    {
        const string attack = "<img src=x onerror=alert(1)>";
        var mallory = await UserAsync("<b>Mallory</b>");
        var alice = await UserAsync("Alice");

        await mallory.SendAsync(attack);
        await mallory.SendAsync("<script>alert(2)</script>");
        await Expect(alice.Message(attack)).ToHaveCountAsync(1);
        await Expect(alice.Message("<script>alert(2)</script>")).ToHaveCountAsync(1);
        await Expect(alice.Person("<b>Mallory</b>")).ToBeVisibleAsync();
        await Expect(alice.Log.Locator(".author").First).ToHaveTextAsync("<b>Mallory</b>");

        foreach (var page in new[] { alice, mallory })
        {
            await Expect(page.Log.Locator("img, script, b")).ToHaveCountAsync(0);
            await Expect(page.Online.Locator("b")).ToHaveCountAsync(0);
            Assert.Empty(page.Dialogs);
        }
    }

    [Fact]
    public async Task The_message_policy_expands_emoji_masks_blocked_words_and_rate_limits_with_a_notice()
    {
        var alice = await UserAsync("Alice");
        var bob = await UserAsync("Bob");
        await alice.SendAsync("  that darn bug :bug: is fixed :+1: :not_an_emoji:  ");
        await Expect(bob.Message("that d*** bug 🐛 is fixed 👍 :not_an_emoji:")).ToHaveCountAsync(1);

        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Emoji", Exact = true }).ClickAsync();
        await alice.Page.GetByRole(AriaRole.Group, new() { Name = "Emoji picker" }).GetByRole(AriaRole.Button, new() { Name = "🚀" }).ClickAsync();
        await Expect(alice.MessageBox).ToHaveValueAsync("🚀");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Expect(bob.Message("🚀")).ToHaveCountAsync(1);

        // Ten messages at once: the token bucket lets a burst through, refuses the rest, and says so to the sender only.
        await alice.Page.EvaluateAsync(@"() => {
            const box = document.getElementById('message');
            for (let i = 0; i < 10; i++) { box.value = 'burst ' + i; document.getElementById('composer').requestSubmit(); }
        }");
        await Expect(alice.Page.Locator(".toast").Filter(new() { HasText = "Slow down" }).First).ToBeVisibleAsync();
        await Expect(bob.Message("burst 0")).ToHaveCountAsync(1);
        var accepted = await bob.Log.Locator(".text", new() { HasText = "burst " }).CountAsync();
        Assert.InRange(accepted, 1, 6);
        await Expect(bob.Page.Locator(".toast").Filter(new() { HasText = "Slow down" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_reload_shows_the_cached_history_at_once_then_what_was_said_meanwhile()
    {
        var alice = await UserAsync("Alice");
        var bob = await UserAsync("Bob");
        await bob.SendAsync("first");
        await bob.SendAsync("second");
        await Expect(alice.Message("second")).ToHaveCountAsync(1);

        // Hold Alice's next WebSocket: what she sees after the reload can only come from her browser's cache.
        IWebSocketRoute? held = null;
        var hold = true;
        await alice.Page.RouteWebSocketAsync("**/rx", socket =>
        {
            if (hold)
            {
                held = socket;
            }
            else
            {
                socket.ConnectToServer();
            }
        });
        await alice.Page.ReloadAsync();
        await Expect(alice.Banner).ToBeVisibleAsync();
        await Expect(alice.Message("first")).ToHaveCountAsync(1);
        await Expect(alice.Message("second")).ToHaveCountAsync(1);

        await bob.SendAsync("while you were reloading");
        await Expect(alice.Message("while you were reloading")).ToHaveCountAsync(0);

        // Let her connect (the held socket drops; the client reconnects by itself and resumes after its cache).
        hold = false;
        Assert.NotNull(held);
        await held!.CloseAsync(new() { Code = 4000, Reason = "test: let it through" });
        await Expect(alice.Banner).ToBeHiddenAsync();
        await Expect(alice.Message("while you were reloading")).ToHaveCountAsync(1);
        await Expect(alice.Message("first")).ToHaveCountAsync(1);
        await Expect(alice.Message("second")).ToHaveCountAsync(1);
        await alice.SendAsync("back");
        await Expect(bob.Message("back")).ToHaveCountAsync(1);
    }
}
