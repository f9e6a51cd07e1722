using System.Net;
using System.Net.WebSockets;
using System.Reactive.Linq;
using System.Security.Authentication;
using Chat.Model;
using RxStreams.Client;
using RxStreams.Testing;
using static Microsoft.Playwright.Assertions;

namespace RxStreams.EndToEnd.Tests;

/// <summary>
/// The chat example over https and wss, with a certificate made at test time and given to Kestrel through its
/// configuration, as a user would: the browser client and the .NET client both connect over TLS.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SecureWebSocketTests(EndToEndFixture fixture) : IAsyncLifetime
{
    private readonly TestCertificate _certificate = TestCertificate.Create();
    private readonly List<ChatPage> _pages = [];
    private ChatServer _server = null!;

    public async Task InitializeAsync() => _server = await ChatServer.StartAsync(certificate: _certificate);

    public async Task DisposeAsync()
    {
        foreach (var page in _pages)
        {
            Assert.Empty(page.Errors);
            await page.DisposeAsync();
        }
        await _server.DisposeAsync();
        _certificate.Dispose();
    }

    [Fact]
    public async Task The_chat_page_over_https_connects_over_wss_and_two_people_chat()
    {
        Assert.StartsWith("https://127.0.0.1:", _server.Url, StringComparison.Ordinal);
        var alice = await UserAsync("Alice");
        var bob = await UserAsync("Bob");
        await Expect(alice.Person("Bob")).ToBeVisibleAsync();

        await alice.SendAsync("over TLS, Bob");
        await Expect(bob.Message("over TLS, Bob")).ToHaveCountAsync(1);
        await bob.SendAsync("and back, Alice");
        await Expect(alice.Message("and back, Alice")).ToHaveCountAsync(1);

        // The page derived the WebSocket's scheme from its own: https → wss, nothing in clear.
        foreach (var page in new[] { alice, bob })
        {
            var urls = page.WebSocketUrls.ToArray();
            Assert.NotEmpty(urls);
            Assert.All(urls, url => Assert.StartsWith($"wss://127.0.0.1:{_server.Port}/rx", url, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_dotnet_client_connects_over_wss_with_the_certificate_pinned_and_a_message_round_trips()
    {
        var cookies = await SignInAsync("Dot Net");
        await using var client = await RxStreamsClient.ConnectAsync(new Uri($"wss://127.0.0.1:{_server.Port}/rx"), new RxStreamsClientOptions
        {
            ConfigureWebSocket = o =>
            {
                o.Cookies = cookies;
                o.RemoteCertificateValidationCallback = (_, certificate, _, _) => _certificate.IsThis(certificate);
            },
        });
        var room = client.Open<Post, ChatMessage>("chat/general");
        var received = new TaskCompletionSource<ChatMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = room.Where(m => m.Text == "from .NET, over wss").Subscribe(m => received.TrySetResult(m), e => received.TrySetException(e));
        room.OnNext(new Post("from .NET, over wss"));
        var message = await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("Dot Net", message.From);

        // A browser in the same room sees what the .NET client wrote over TLS.
        var carol = await UserAsync("Carol");
        await Expect(carol.Message("from .NET, over wss")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_client_refuses_a_server_whose_certificate_is_not_the_pinned_one_with_a_clear_error()
    {
        using var other = TestCertificate.Create("someone else");
        var endpoint = new Uri($"wss://127.0.0.1:{_server.Port}/rx");
        var pinnedToOther = await Assert.ThrowsAsync<WebSocketException>(() => RxStreamsClient.ConnectAsync(endpoint, new RxStreamsClientOptions
        {
            ConfigureWebSocket = o => o.RemoteCertificateValidationCallback = (_, certificate, _, _) => other.IsThis(certificate),
        }));
        AssertTlsRefusal(pinnedToOther, endpoint);

        // Without a callback the system's trust decides, and a self-signed certificate is not trusted.
        var untrusted = await Assert.ThrowsAsync<WebSocketException>(() => RxStreamsClient.ConnectAsync(endpoint));
        AssertTlsRefusal(untrusted, endpoint);
    }

    private static void AssertTlsRefusal(WebSocketException error, Uri endpoint)
    {
        Assert.Contains("TLS", error.Message, StringComparison.Ordinal);
        Assert.Contains(endpoint.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("RemoteCertificateValidationCallback", error.Message, StringComparison.Ordinal);
        var inner = error.InnerException;
        while (inner is not null and not AuthenticationException)
        {
            inner = inner.InnerException;
        }
        Assert.IsType<AuthenticationException>(inner);
    }

    private async Task<ChatPage> UserAsync(string name)
    {
        var page = await ChatPage.SignInAsync(fixture.Browser, _server.Url, name, ignoreHttpsErrors: true);
        _pages.Add(page);
        return page;
    }

    /// <summary>Signs in through the chat's login API over https (the certificate pinned) and returns the cookie.</summary>
    private async Task<CookieContainer> SignInAsync(string name)
    {
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler
        {
            CookieContainer = cookies,
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => _certificate.IsThis(certificate),
        };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(_server.Url) };
        using var body = new StringContent(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["name"] = name }), System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri("/api/login", UriKind.Relative), body);
        response.EnsureSuccessStatusCode();
        return cookies;
    }
}
