using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using RxStreams.AspNetCore.Connections;
using RxStreams.AspNetCore.HealthChecks;
using RxStreams.Client;
using RxStreams.Protocol;
using RxStreams.Testing;

namespace RxStreams.AspNetCore.Tests;

/// <summary>
/// Graceful drain (protocol 6.5, <see cref="RxStreamsOptions.DrainTimeout"/>) on real Kestrel hosts: a stopping node
/// refuses new connections, tells its clients to move, answers what is in flight and closes; the .NET client moves at
/// once instead of waiting out its backoff.
/// </summary>
public sealed class DrainTests
{
    [Fact]
    public async Task A_stopping_host_refuses_upgrades_with_503_tells_clients_to_move_and_closes_once_requests_in_flight_are_answered()
    {
        var gate = new RequestGate();
        // A drain timeout far longer than the test: the close must come from the answered request, not the timeout.
        await using var host = await StartAsync(gate, TimeSpan.FromMinutes(1));
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
        await using var client = await RawClient.ConnectAsync(host.Endpoint);
        await client.OpenAsync(1, "feed/drain");
        await client.OpenAsync(3, "gate", credits: 1, payload: """{"a":2,"b":3}"""u8.ToArray());
        await Wait.ForAsync(gate.Entered, "the request runs on the server");

        var stopping = host.StopAsync();
        var move = await client.ReceiveUntilAsync(f => f.Type == FrameType.Error);
        Assert.Equal((0u, StreamErrorCodes.ServerShuttingDown), (move.StreamId, move.Code));
        // Then a PING: its PONG tells the server the client has read the notice (protocol 6.5).
        Assert.Equal(FrameType.Ping, (await client.ReceiveAsync()).Type);

        // Draining: the node still answers HTTP, but takes no new connection and is not ready.
        using var refused = new ClientWebSocket();
        refused.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => refused.ConnectAsync(host.Endpoint, CancellationToken.None));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.HttpStatusCode);
        Assert.Equal(["1"], refused.HttpResponseHeaders!["Retry-After"]);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health/ready")).StatusCode);
        Assert.False(client.Closed.IsCompleted, "the connection is kept while its request is in flight");

        gate.Open();
        var answer = await client.ReceiveUntilAsync(f => f.StreamId == 3);
        Assert.Equal((FrameType.Next, "5"), (answer.Type, answer.Payload));
        var complete = await client.ReceiveAsync();
        Assert.Equal((FrameType.Complete, 3u), (complete.Type, complete.StreamId));
        // Answered, but the client has not answered the barrier PING: the connection is kept (a round trip shows it).
        await client.SendAsync(w => FrameWriter.WritePing(w));
        Assert.Equal(FrameType.Pong, (await client.ReceiveAsync()).Type);
        await client.SendAsync(w => FrameWriter.WritePong(w));
        await Wait.ForAsync(client.Closed, "the server closes the connection once the client read the notice and its request is answered");
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, client.CloseStatus);
        Assert.Equal(StreamErrorCodes.ServerShuttingDown, client.CloseStatusDescription);
        await Wait.ForAsync(stopping, "the host stopped");
    }

    [Fact]
    public async Task The_client_moves_at_once_when_told_instead_of_waiting_out_its_backoff_and_its_request_in_flight_is_answered()
    {
        var gate = new RequestGate();
        await using var a = await StartAsync(gate, TimeSpan.FromMinutes(1));
        await using var b = await StartAsync(new RequestGate(), TimeSpan.FromMinutes(1));
        // A backoff of 5 to 10 minutes: after an ordinary drop this client would not be back within the test.
        await using var client = await RxStreamsClient.ConnectAsync([a.Endpoint, b.Endpoint], new RxStreamsClientOptions
        {
            ReconnectDelay = TimeSpan.FromMinutes(10),
            MaxReconnectDelay = TimeSpan.FromMinutes(10),
        });
        var inFlight = client.InvokeAsync<AddRequest, int>("gate", new AddRequest(20, 22));
        await Wait.ForAsync(gate.Entered, "the request runs on node A");
        var onB = b.Services.GetRequiredService<StreamConnectionHandler>();
        Assert.Empty(onB.Connections);

        var stopping = a.StopAsync();
        gate.Open();
        Assert.Equal(42, await Wait.ForAsync(inFlight, "the request in flight is answered by the draining node"));
        await Wait.UntilAsync(() => onB.Connections.Count == 1 && client.CurrentState == ConnectionState.Connected,
            "the client moved to node B at once", TimeSpan.FromSeconds(60));
        Assert.Equal(7, await client.InvokeAsync<AddRequest, int>("math/add", new AddRequest(3, 4)));
        await Wait.ForAsync(stopping, "node A stopped");
    }

    private static Task<KestrelHost> StartAsync(RequestGate gate, TimeSpan drainTimeout)
        => KestrelHost.StartAsync(
            o => o.DrainTimeout = drainTimeout,
            rx =>
            {
                rx.Services.AddSingleton(gate);
                rx.Services.AddHealthChecks().AddRxStreams();
            },
            app => app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(RxStreamsHealthChecksBuilderExtensions.ReadyTag) }));
}
