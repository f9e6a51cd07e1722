using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace RxStreams.EndToEnd.Tests;

/// <summary>
/// Video calls in the chat: signalled over RxStreams, media over WebRTC between two browser contexts of the shared
/// chromium (a fake camera and microphone; loopback host candidates, no STUN server). The ring timeout is a few
/// seconds here, through the app's own configuration (Chat:Calls:RingTimeout).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class CallTests(EndToEndFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan s_ringTimeout = TimeSpan.FromSeconds(4);
    private readonly List<ChatPage> _pages = [];
    private readonly List<ChatServer> _servers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // Everything is closed first, so a page's error fails this test without leaving browsers and servers behind.
        var problems = _pages.SelectMany(page => page.Errors.Concat(page.Dialogs)).ToList();
        foreach (var page in _pages)
        {
            await page.DisposeAsync();
        }
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
        Assert.Empty(problems);
    }

    [Fact]
    public async Task A_video_call_rings_every_tab_of_the_callee_connects_both_ways_mutes_and_hangs_up_and_a_voice_call_carries_sound_only()
    {
        var server = await ServerAsync();
        var alice = await UserAsync(server, "Alice");
        var bob = await UserAsync(server, "Bob");
        // Bob's second tab: same cookie, a session of its own.
        var bobTab = await bob.Context.NewPageAsync();
        await bobTab.GotoAsync("/");
        await Expect(bobTab.GetByRole(AriaRole.List, new() { Name = "Online", Exact = true }).GetByRole(AriaRole.Button, new() { Name = "Alice" })).ToBeVisibleAsync();

        await StartCallAsync(alice, "Bob");
        await Expect(Status(alice.Page)).ToHaveTextAsync("Ringing Bob…");
        await Expect(Incoming(bob.Page)).ToContainTextAsync("Alice is calling you (video)");
        await Expect(Incoming(bobTab)).ToContainTextAsync("Alice is calling you (video)");

        // Bob answers in his first tab: the second stops ringing and stays out of the call.
        await Incoming(bob.Page).GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await Expect(Incoming(bobTab)).ToBeHiddenAsync();
        await Expect(Incoming(bob.Page)).ToBeHiddenAsync();
        await Expect(Status(alice.Page)).ToHaveTextAsync("In a call with Bob");
        await Expect(Status(bob.Page)).ToHaveTextAsync("In a call with Alice");
        await ExpectPlayingAsync(alice.Page, "Remote video");
        await ExpectPlayingAsync(bob.Page, "Remote video");
        await ExpectPlayingAsync(alice.Page, "Your video");
        await Expect(bobTab.Locator("#call")).ToBeHiddenAsync();

        // Carol calls Bob meanwhile: he is busy.
        var carol = await UserAsync(server, "Carol");
        await StartCallAsync(carol, "Bob");
        await Expect(Status(carol.Page)).ToHaveTextAsync("Bob is busy in another call.");
        await Expect(Incoming(bob.Page)).ToBeHiddenAsync();
        await Expect(Status(alice.Page)).ToHaveTextAsync("In a call with Bob");

        // Mute: Alice's microphone track is switched off, and on again.
        var mute = alice.Page.GetByRole(AriaRole.Button, new() { Name = "Mute" });
        await mute.ClickAsync();
        await Expect(mute).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.False(await alice.Page.EvaluateAsync<bool>("() => document.getElementById('local-video').srcObject.getAudioTracks()[0].enabled"));
        await mute.ClickAsync();
        await Expect(mute).ToHaveAttributeAsync("aria-pressed", "false");
        Assert.True(await alice.Page.EvaluateAsync<bool>("() => document.getElementById('local-video').srcObject.getAudioTracks()[0].enabled"));

        // Bob hangs up: both sides end, and their camera is released.
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Hang up" }).ClickAsync();
        await Expect(Status(bob.Page)).ToHaveTextAsync("Call ended.");
        await Expect(Status(alice.Page)).ToHaveTextAsync("Bob hung up. Call ended.");
        foreach (var page in new[] { alice.Page, bob.Page })
        {
            await Expect(page.GetByLabel("Remote video")).ToBeHiddenAsync();
            Assert.True(await page.EvaluateAsync<bool>("() => document.getElementById('local-video').srcObject === null"));
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Hang up" })).ToBeHiddenAsync();
        }

        // A voice call: sound only, both ways.
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Voice call" }).ClickAsync();
        await Expect(Incoming(bobTab)).ToContainTextAsync("Alice is calling you (voice)");
        await Incoming(bobTab).GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await Expect(Status(alice.Page)).ToHaveTextAsync("In a call with Bob");
        foreach (var page in new[] { alice.Page, bobTab })
        {
            var remote = await page.GetByLabel("Remote video", new() { Exact = true }).ElementHandleAsync();
            await page.WaitForFunctionAsync("v => v.srcObject && v.srcObject.getAudioTracks().length === 1 && v.srcObject.getVideoTracks().length === 0 && v.currentTime > 0.5", remote, new() { Timeout = 30_000 });
        }
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Hang up" }).ClickAsync();
        await Expect(bobTab.Locator("#call-status")).ToHaveTextAsync("Alice hung up. Call ended.");
        await bobTab.CloseAsync();
    }

    [Fact]
    public async Task A_declined_call_and_an_unanswered_call_end_with_their_state_on_both_sides()
    {
        var server = await ServerAsync();
        var alice = await UserAsync(server, "Alice");
        var bob = await UserAsync(server, "Bob");

        await StartCallAsync(alice, "Bob");
        await Incoming(bob.Page).GetByRole(AriaRole.Button, new() { Name = "Decline" }).ClickAsync();
        await Expect(Status(alice.Page)).ToHaveTextAsync("Bob declined the call.");
        await Expect(Incoming(bob.Page)).ToBeHiddenAsync();
        await Expect(alice.Page.GetByLabel("Your video")).ToBeHiddenAsync();
        await Expect(bob.Page.Locator("#call")).ToBeHiddenAsync();

        // Again, and Bob lets it ring: the server ends it after the ring timeout, for both.
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Video call" }).ClickAsync();
        await Expect(Incoming(bob.Page)).ToBeVisibleAsync();
        await Expect(Status(alice.Page)).ToHaveTextAsync("No answer from Bob.", new() { Timeout = 30_000 });
        await Expect(Incoming(bob.Page)).ToBeHiddenAsync();
        await Expect(bob.Page.Locator(".toast").Filter(new() { HasText = "Missed call from Alice." })).ToBeVisibleAsync();

        // Carol's browser asks before giving the camera, and nobody says yes (a headless browser refuses the prompt):
        // her page says so and rings nobody.
        await using var asking = await fixture.Playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--use-fake-device-for-media-stream"],
        });
        await using var carol = await ChatPage.SignInAsync(asking, server.Url, "Carol");
        await StartCallAsync(carol, "Bob");
        await Expect(Status(carol.Page)).ToContainTextAsync("Camera or microphone refused");
        await Expect(carol.Page.Locator("#call")).ToHaveAttributeAsync("data-state", "refused");
        await Expect(Incoming(bob.Page)).ToBeHiddenAsync();
        Assert.Empty(carol.Errors);
    }

    [Fact]
    public async Task Someone_else_cannot_answer_decline_or_signal_into_a_call_that_is_not_theirs()
    {
        // With a STUN server configured (on loopback, where nothing answers): calls/config hands it out, and the call
        // still connects on host candidates.
        var server = await ServerAsync(stun: "stun:127.0.0.1:9");
        var alice = await UserAsync(server, "Alice");
        var bob = await UserAsync(server, "Bob");
        var mallory = await UserAsync(server, "Mallory");

        await StartCallAsync(alice, "Bob");
        await Expect(Incoming(bob.Page)).ToBeVisibleAsync();
        var callId = await Incoming(bob.Page).GetAttributeAsync("data-call-id");
        Assert.False(string.IsNullOrEmpty(callId));

        // Mallory has the call's id (say it leaked) and speaks the real protocol with her own cookie: she tries to take
        // the call with an answer and an ICE candidate, to decline it, to answer it under a forged id, and to decline no id at all.
        var heard = await mallory.Page.EvaluateAsync<string[]>(@"async (callId) => {
            const { connect } = await import('/rx/client.js');
            const rx = connect('/rx');
            const answer = (id) => new Promise((resolve) => {
                const stream = rx.open('answer/' + id);
                stream.subscribe({ next: (s) => resolve('signal ' + s.kind), error: (e) => resolve(e.code), complete: () => resolve('completed') });
                stream.next({ kind: 'answer', data: { type: 'answer', sdp: 'v=0 forged' } });
                stream.next({ kind: 'candidate', data: { candidate: 'candidate:forged', sdpMid: '0' } });
            });
            const results = [
                await new Promise((resolve) => rx.subscribe('calls/config', (config) => resolve(JSON.stringify(config)))),
                await answer(callId),
                await rx.send('calls/decline', { callId }).then(() => 'declined', (e) => e.code),
                await answer(callId.slice(0, -4) + 'AAAA'),
                await rx.send('calls/decline', {}).then(() => 'declined', (e) => e.code),
            ];
            rx.close();
            return results;
        }", callId);
        Assert.Equal(["""{"iceServers":[{"urls":["stun:127.0.0.1:9"],"username":null,"credential":null}]}""", "not_your_call", "not_your_call", "not_your_call", "not_your_call"], heard);

        // The call is untouched: still ringing for Alice, and Bob takes it.
        await Expect(Status(alice.Page)).ToHaveTextAsync("Ringing Bob…");
        await Incoming(bob.Page).GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await Expect(Status(alice.Page)).ToHaveTextAsync("In a call with Bob");
        await ExpectPlayingAsync(alice.Page, "Remote video");
        await Expect(mallory.Page.Locator("#call")).ToBeHiddenAsync();
        await Expect(Incoming(mallory.Page)).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_user_who_starts_calls_too_fast_is_refused_with_rate_limited()
    {
        // Mallory rings Bob again and again through the real protocol: five calls ring, the sixth is refused.
        var server = await ServerAsync();
        var bob = await UserAsync(server, "Bob");
        var mallory = await UserAsync(server, "Mallory");
        var bobId = await bob.Page.EvaluateAsync<string>("async () => (await (await fetch('/api/me')).json()).id");
        var heard = await mallory.Page.EvaluateAsync<string[]>(@"async (bobId) => {
            const { connect } = await import('/rx/client.js');
            const rx = connect('/rx');
            // One call: its first signal, then hang up (end the input) and wait for the call's stream to end.
            const call = () => new Promise((resolve) => {
                const stream = rx.open('call/video/' + bobId);
                let first = null;
                stream.subscribe({
                    next: (s) => { if (first === null) { first = s.kind; stream.complete(); } },
                    error: (e) => resolve(first ?? e.code),
                    complete: () => resolve(first ?? 'completed'),
                });
            });
            const results = [];
            for (let i = 0; i < 6; i++) results.push(await call());
            rx.close();
            return results;
        }", bobId);
        Assert.Equal(["ringing", "ringing", "ringing", "ringing", "ringing", "rate_limited"], heard);
    }

    [Fact]
    public async Task A_callee_on_another_node_takes_the_call_and_the_caller_hangs_up()
    {
        var redis = (await fixture.RedisAsync()).ConnectionString;
        var first = await ServerAsync(redis);
        var second = await ServerAsync(redis);
        var alice = await UserAsync(first, "Alice");
        var bob = await UserAsync(second, "Bob");

        await StartCallAsync(alice, "Bob");
        await Incoming(bob.Page).GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await ExpectPlayingAsync(alice.Page, "Remote video");
        await ExpectPlayingAsync(bob.Page, "Remote video");
        await Expect(Status(bob.Page)).ToHaveTextAsync("In a call with Alice");

        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Hang up" }).ClickAsync();
        await Expect(Status(alice.Page)).ToHaveTextAsync("Call ended.");
        await Expect(Status(bob.Page)).ToHaveTextAsync("Alice hung up. Call ended.");
    }

    [Theory]
    [InlineData("Chat:Calls:RingTimeout", "soon", "Chat:Calls:RingTimeout is 'soon'")]
    [InlineData("Chat:Calls:RingTimeout", "-00:00:05", "Chat:Calls:RingTimeout is '-00:00:05'")]
    [InlineData("Chat:Calls:IceServers:0:Urls:0", "http://stun.example.org", "Chat:Calls:IceServers:0:Urls needs")]
    public async Task A_bad_call_setting_stops_the_chat_at_startup_and_names_it(string key, string value, string message)
    {
        var error = await Assert.ThrowsAsync<Chat.Hosting.ChatSettingsException>(() => ChatServer.StartAsync(configure: b => b.Configuration[key] = value));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    private async Task<ChatServer> ServerAsync(string? redis = null, string? stun = null)
    {
        var server = await ChatServer.StartAsync(redis, configure: builder =>
        {
            builder.Configuration["Chat:Calls:RingTimeout"] = s_ringTimeout.ToString("c");
            if (stun is not null)
            {
                builder.Configuration["Chat:Calls:IceServers:0:Urls:0"] = stun;
            }
        });
        _servers.Add(server);
        return server;
    }

    private async Task<ChatPage> UserAsync(ChatServer server, string name)
    {
        var page = await ChatPage.SignInAsync(fixture.Browser, server.Url, name);
        _pages.Add(page);
        return page;
    }

    /// <summary>Opens the direct conversation with <paramref name="callee"/> (from the online list) and starts a video call.</summary>
    private static async Task StartCallAsync(ChatPage caller, string callee)
    {
        await caller.Person(callee).ClickAsync();
        await Expect(caller.Page.GetByRole(AriaRole.Heading, new() { Name = "@ " + callee })).ToBeVisibleAsync();
        await caller.Page.GetByRole(AriaRole.Button, new() { Name = "Video call" }).ClickAsync();
    }

    private static ILocator Status(IPage page) => page.Locator("#call-status");

    private static ILocator Incoming(IPage page) => page.GetByRole(AriaRole.Alertdialog, new() { Name = "Incoming call" });

    /// <summary>Waits until the video labelled <paramref name="label"/> shows frames (a width) and its time advances.</summary>
    private static async Task ExpectPlayingAsync(IPage page, string label)
    {
        var video = await page.GetByLabel(label, new() { Exact = true }).ElementHandleAsync();
        await page.WaitForFunctionAsync("v => v.videoWidth > 0 && v.currentTime > 0", video, new() { Timeout = 30_000 });
        var start = await video.EvaluateAsync<double>("v => v.currentTime");
        await page.WaitForFunctionAsync("([v, start]) => v.currentTime > start + 0.5", new object[] { video, start }, new() { Timeout = 30_000 });
    }
}
