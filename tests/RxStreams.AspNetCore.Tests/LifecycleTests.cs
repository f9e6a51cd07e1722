using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using RxStreams.Client;
using RxStreams.Protocol;
using RxStreams.Testing;

namespace RxStreams.AspNetCore.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public async Task A_client_that_sends_no_hello_is_closed_with_handshake_timeout()
    {
        await using var host = await KestrelHost.StartAsync(o => o.HandshakeTimeout = TimeSpan.FromMilliseconds(300));
        await using var client = await RawClient.ConnectAsync(host.Endpoint, hello: false);
        var error = await client.ReceiveAsync();
        Assert.Equal((0u, "handshake_timeout"), (error.StreamId, error.Code));
        await Wait.ForAsync(client.Closed, "the close");
    }

    [Fact]
    public async Task A_silent_client_is_closed_with_keepalive_timeout_and_a_ponging_one_is_kept()
    {
        await using var host = await KestrelHost.StartAsync(o =>
        {
            // Short enough for a quick test, long enough that a loaded 2-core machine still pings in time (the
            // client takes twice the interval without a frame for a dead server). 1.2 s was not: with the test
            // projects running side by side, a stall of the ponging client's process once passed it in CI.
            o.KeepAliveInterval = TimeSpan.FromMilliseconds(500);
            o.ClientTimeout = TimeSpan.FromSeconds(2.5);
        });
        await using var silent = await RawClient.ConnectAsync(host.Endpoint);
        var error = await silent.ReceiveUntilAsync(f => f.Type == FrameType.Error);
        Assert.Equal("keepalive_timeout", error.Code);

        // The .NET client answers pings: it stays connected well past the timeout.
        // The client's own dead-server check (twice the interval by default) is widened: what is tested here is the
        // server keeping a client that answers its pings, and a 2-core machine under load can stall a few hundred ms.
        await using var client = await RxStreamsClient.ConnectAsync(host.Endpoint, new RxStreamsClientOptions { ServerTimeout = TimeSpan.FromSeconds(30) });
        var drops = 0;
        using var _ = client.State.Subscribe(s => drops += s == ConnectionState.Reconnecting ? 1 : 0);
        await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            await Task.Delay(600 * i); // 5.4 s in all: more than twice the timeout
            Assert.Equal(3, await client.InvokeAsync<AddRequest, int>("math/add", new AddRequest(1, 2)));
        }));
        Assert.Equal(0, drops);
    }

    [Fact]
    public async Task Stopping_the_host_tells_clients_to_reconnect_and_they_resume_on_another_node()
    {
        await using var a = await KestrelHost.StartAsync();
        await using var b = await KestrelHost.StartAsync();
        await using var client = await RxStreamsClient.ConnectAsync([a.Endpoint, b.Endpoint], new RxStreamsClientOptions { ReconnectDelay = TimeSpan.FromMilliseconds(20) });
        var states = new List<ConnectionState>();
        using var _ = client.State.Subscribe(s => { lock (states) { states.Add(s); } });
        Assert.Equal(3, await client.InvokeAsync<AddRequest, int>("math/add", new AddRequest(1, 2)));

        var stopped = a.StopAsync();
        await Wait.UntilAsync(() => { lock (states) { return states.Contains(ConnectionState.Reconnecting); } }, "the client noticed");
        await Wait.ForAsync(stopped, "host A stopped promptly (its connections closed cleanly)", TimeSpan.FromSeconds(15));
        await Wait.UntilAsync(() => client.CurrentState == ConnectionState.Connected, "the client reconnected to B");
        Assert.Equal(7, await client.InvokeAsync<AddRequest, int>("math/add", new AddRequest(3, 4)));
    }

    [Fact]
    public async Task Map_without_add_explains_what_to_do()
    {
        var builder = WebApplication.CreateSlimBuilder();
        await using var app = builder.Build();
        var error = Assert.Throws<InvalidOperationException>(() => app.MapRxStreams());
        Assert.Contains("AddRxStreams()", error.Message);
    }

    [Fact]
    public async Task The_endpoint_serves_the_browser_client_and_explains_itself_to_plain_http()
    {
        await using var host = await KestrelHost.StartAsync();
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var script = await http.GetAsync("rx/client.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        Assert.Contains("export", await script.Content.ReadAsStringAsync());
        var plain = await http.GetAsync("rx");
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        Assert.Contains("WebSocket", await plain.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_session_is_resumed_by_id_on_reconnection()
    {
        await using var host = await KestrelHost.StartAsync();
        string session;
        await using (var first = await RawClient.ConnectAsync(host.Endpoint))
        {
            session = first.SessionId;
            Assert.NotEmpty(session);
        }
        await using var again = await RawClient.ConnectAsync(host.Endpoint, sessionId: session);
        Assert.Equal(session, again.SessionId);
        await using var stranger = await RawClient.ConnectAsync(host.Endpoint, sessionId: "made-up");
        Assert.NotEqual("made-up", stranger.SessionId);
    }
}
