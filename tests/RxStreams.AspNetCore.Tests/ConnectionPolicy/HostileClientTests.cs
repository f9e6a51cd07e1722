using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using RxStreams.Protocol;
using RxStreams.Testing;

namespace RxStreams.AspNetCore.Tests.ConnectionPolicy;

/// <summary>
/// A limit holds in every path: before the handshake as after it, for every frame type, for streams with and without
/// credits. Each test here is one finding of a hostile-client review, and fails without its fix.
/// </summary>
public sealed partial class HostileClientTests(LimitsFixture fixture) : IClassFixture<LimitsFixture>
{
    private KestrelHost Host => fixture.Host;

    [Fact]
    public async Task A_text_message_before_hello_gets_protocol_error_and_close_1002_not_a_reset()
    {
        await using var client = await RawClient.ConnectAsync(Host.Endpoint, hello: false);
        await client.SendRawAsync(Encoding.UTF8.GetBytes("""{"hello":1}"""), WebSocketMessageType.Text);
        var error = await client.ReceiveAsync();
        Assert.Equal((FrameType.Error, 0u, "protocol_error"), (error.Type, error.StreamId, error.Code));
        await Wait.ForAsync(client.Closed, "the server closed the connection");
        Assert.Equal(WebSocketCloseStatus.ProtocolError, client.CloseStatus);
    }

    [Fact]
    public async Task A_message_over_the_frame_size_before_hello_gets_frame_too_large_and_close_1009_not_a_reset()
    {
        await using var client = await RawClient.ConnectAsync(Host.Endpoint, hello: false);
        // Bigger than the server reads at once, so most of it is still arriving when the server refuses it.
        await client.SendRawAsync(new byte[ProtocolConstants.DefaultMaxFrameSize * 4]);
        var error = await client.ReceiveAsync();
        Assert.Equal((FrameType.Error, 0u, "frame_too_large"), (error.Type, error.StreamId, error.Code));
        await Wait.ForAsync(client.Closed, "the server closed the connection");
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, client.CloseStatus);
    }

    [Fact]
    public async Task Opens_without_a_payload_count_against_the_rate_limit()
    {
        await using var host = await KestrelHost.StartAsync(o => (o.MaxMessagesPerSecond, o.MessageBurst) = (1, 5), inMemory: true);
        await using var client = await RawClient.StartAsync(await host.ConnectWebSocketAsync());
        // OPEN and CANCEL pairs, no payload, as fast as the client can: the sixth OPEN is over the burst.
        for (uint id = 1; id < 40; id += 2)
        {
            await client.OpenAsync(id, "unread", credits: 0);
            await client.CancelAsync(id);
        }
        var error = await client.ReceiveUntilAsync(f => f.Type == FrameType.Error);
        Assert.Equal("rate_limited", error.Code);
        Assert.InRange(error.StreamId, 11u, 39u);
        // Only that OPEN was refused: the connection answers PING (which is not rate-limited) and stays open.
        await client.SendAsync(w => FrameWriter.WritePing(w));
        await client.ReceiveUntilAsync(f => f.Type == FrameType.Pong);
        Assert.Null(client.CloseStatus);
    }

    [Fact]
    public async Task Answers_to_a_ping_flood_from_a_client_that_does_not_read_count_against_the_pending_limit()
    {
        var before = Host.Services.GetConnectionHandler().Connections.ToHashSet();
        await using var client = await RawClient.ConnectAsync(Host.Endpoint);
        client.PauseReading();
        var connection = await Host.WaitForNewConnectionAsync(before);
        // 30,000 PINGs per message, each answered by a PONG: the answers pile up on a client that reads nothing.
        var buffer = new ArrayBufferWriter<byte>();
        for (var i = 0; i < 30_000; i++)
        {
            FrameWriter.WritePing(buffer);
        }
        var message = buffer.WrittenMemory;
        for (var i = 0; i < 2_000 && !connection.IsClosing; i++)
        {
            await client.SendRawAsync(message);
        }
        await Wait.UntilAsync(() => connection.IsClosing, "the server ended the connection that would not read its answers");
        Assert.InRange(connection.Outbound.PeakPendingBytes, 1, (256 * 1024) + ProtocolConstants.DefaultMaxFrameSize);
        client.ResumeReading();
        var error = await client.ReceiveUntilAsync(f => f.Type == FrameType.Error);
        Assert.Equal((0u, "slow_consumer"), (error.StreamId, error.Code));
    }

    [Fact]
    public async Task A_stream_that_grants_no_credits_on_a_busy_channel_keeps_the_connection_within_its_limit_and_loses_nothing()
    {
        const int Items = 600;
        var before = Host.Services.GetConnectionHandler().Connections.ToHashSet();
        var hub = (IStreamHub)Host.Services.GetService(typeof(IStreamHub))!;
        var name = Guid.NewGuid().ToString("N");
        var channel = hub.Channel<Say>($"room:{name}");
        await using var client = await RawClient.ConnectAsync(Host.Endpoint);
        var connection = await Host.WaitForNewConnectionAsync(before);
        await client.OpenAsync(1, "room/" + name, credits: 0, offset: StreamOffset.Start);
        // 600 items of 1 KB while the stream may send nothing: more than the connection may hold (256 KiB).
        var text = new string('x', 1000);
        long peak = 0;
        for (var i = 0; i < Items; i++)
        {
            await channel.PublishAsync(new Say($"{i:D4}{text}"));
            peak = Math.Max(peak, connection.TotalPendingBytes);
        }
        Assert.InRange(peak, 0, 256 * 1024);
        Assert.False(connection.IsClosing);

        await client.RequestAsync(1, Items * 2);
        var texts = new List<string>();
        while (texts.Count < Items)
        {
            var frame = await client.ReceiveUntilAsync(f => f.Type != FrameType.Ping);
            Assert.Equal((FrameType.Next, 1u), (frame.Type, frame.StreamId));
            texts.Add(JsonDocument.Parse(frame.Payload).RootElement.GetProperty("text").GetString()![..4]);
        }
        Assert.Equal(Enumerable.Range(0, Items).Select(i => $"{i:D4}"), texts);
        await client.AssertAliveAsync(3);
    }

    [Fact]
    public async Task A_from_start_open_waiting_for_credits_while_the_history_is_trimmed_is_not_answered_not_recovered()
    {
        // History pages of 4 items: a replay that read its first page before the client granted credits would find
        // the next page trimmed away by then.
        await using var host = await KestrelHost.StartAsync(
            configureServices: rx => rx.Services.Configure<Channels.StreamHubOptions>(o => o.HistoryPageSize = 4), inMemory: true);
        var hub = (IStreamHub)host.Services.GetService(typeof(IStreamHub))!;
        var name = Guid.NewGuid().ToString("N");
        var channel = hub.Channel<Tick>($"short:{name}", new StreamChannelOptions { MaxLength = 5 });
        for (var i = 0; i < 5; i++)
        {
            await channel.PublishAsync(new Tick(i));
        }
        await using var client = await RawClient.StartAsync(await host.ConnectWebSocketAsync());
        await client.OpenAsync(1, "short/" + name, credits: 0, offset: StreamOffset.Start);
        // Let the replay start (and wait for credits) before the channel moves on.
        await client.SendAsync(w => FrameWriter.WritePing(w));
        await client.ReceiveUntilAsync(f => f.Type == FrameType.Pong);
        for (var i = 5; i < 50; i++)
        {
            await channel.PublishAsync(new Tick(i));
        }
        await client.RequestAsync(1, 100);
        var ticks = new List<int>();
        while (ticks.Count == 0 || ticks[^1] < 49)
        {
            var frame = await client.ReceiveUntilAsync(f => f.Type != FrameType.Ping);
            Assert.True(frame.Type == FrameType.Next, $"expected NEXT, got {frame}");
            ticks.Add(JsonDocument.Parse(frame.Payload).RootElement.GetProperty("n").GetInt32());
        }
        // What the history holds when the client can take it (the last five), then the live tail: no error.
        Assert.Equal(Enumerable.Range(ticks[0], 50 - ticks[0]), ticks);
        Assert.InRange(ticks[0], 45, 46);
    }

    [Fact]
    public async Task Every_vector_that_names_the_servers_answer_gets_that_answer_from_a_real_server()
    {
        using var vectors = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "protocol-vectors.json")));
        var checkedCount = 0;
        foreach (var vector in vectors.RootElement.GetProperty("valid").EnumerateArray())
        {
            var answer = ServerAnswer().Match(vector.GetProperty("name").GetString()!);
            if (!answer.Success)
            {
                continue;
            }
            // The vector's bytes as they are, on a connection of their own: a HELLO as the first message, anything
            // else after the handshake.
            var first = vector.GetProperty("frames")[0];
            var isHello = first.GetProperty("type").GetString() == "hello";
            await using var client = await RawClient.ConnectAsync(Host.Endpoint, hello: !isHello);
            await client.SendRawAsync(Convert.FromHexString(vector.GetProperty("hex").GetString()!));
            var streamId = isHello ? 0u : first.GetProperty("streamId").GetUInt32();
            var error = await client.ReceiveUntilAsync(f => f.StreamId == streamId && f.Type != FrameType.Ping);
            Assert.Equal((FrameType.Error, answer.Groups[1].Value), (error.Type, error.Code));
            checkedCount++;
        }
        Assert.True(checkedCount > 0, "some vector names the server's answer");
    }

    [Fact]
    public async Task Input_a_handler_has_not_read_counts_its_bytes_against_the_pending_limit()
    {
        var before = Host.Services.GetConnectionHandler().Connections.ToHashSet();
        await using var client = await RawClient.ConnectAsync(Host.Endpoint);
        var connection = await Host.WaitForNewConnectionAsync(before);
        await client.OpenAsync(1, "unread");
        // Far fewer items than MaxUnreadInputMessages (64), but 60 KB each: the connection may hold 256 KiB.
        var big = "{\"text\":\"" + new string('x', 60_000) + "\"}";
        for (var i = 0; i < 10; i++)
        {
            await client.NextAsync(1, big);
        }
        var error = await client.ReceiveUntilAsync(f => f.Type == FrameType.Error);
        Assert.Equal((1u, "rate_limited"), (error.StreamId, error.Code));
        // The stream is over: what it held no longer counts, and the connection goes on.
        await Wait.UntilAsync(() => connection.TotalPendingBytes == 0, "the dropped input was released");
        await client.AssertAliveAsync(3);
    }

    [Fact]
    public async Task A_hosting_client_that_stops_reading_gets_slow_consumer_instead_of_holding_its_callers_input()
    {
        var name = "hostile-" + Guid.NewGuid().ToString("N");
        var before = Host.Services.GetConnectionHandler().Connections.ToHashSet();
        await using var server = await RawClient.ConnectAsync(Host.Endpoint);
        var hosting = await Host.WaitForNewConnectionAsync(before);
        await server.OpenAsync(1, "$listen/" + name);
        Assert.Equal(FrameType.Next, (await server.ReceiveUntilAsync(f => f.StreamId == 1)).Type);
        server.PauseReading();

        await using var caller = await RawClient.ConnectAsync(Host.Endpoint);
        await caller.OpenAsync(1, "$connect/" + name);
        var chunk = "{\"text\":\"" + new string('x', 30_000) + "\"}";
        for (var i = 0; i < 1_500 && !hosting.IsClosing; i++)
        {
            await caller.NextAsync(1, chunk);
        }
        await Wait.UntilAsync(() => hosting.IsClosing, "the server ended the hosting connection that would not read");
        Assert.InRange(hosting.Outbound.PeakPendingBytes, 1, (256 * 1024) + ProtocolConstants.DefaultMaxFrameSize);
        // The caller learns its server is gone; its own connection lives.
        var gone = await caller.ReceiveUntilAsync(f => f.Type == FrameType.Error);
        Assert.Equal((1u, "server_gone"), (gone.StreamId, gone.Code));
        await caller.AssertAliveAsync(3);
    }

    [Fact]
    public async Task A_hosted_server_answering_over_the_rate_limit_ends_that_call_with_rate_limited_and_is_cancelled()
    {
        await using var host = await KestrelHost.StartAsync(o => (o.MaxMessagesPerSecond, o.MessageBurst) = (1, 5), inMemory: true);
        var name = "fast-" + Guid.NewGuid().ToString("N");
        await using var server = await RawClient.StartAsync(await host.ConnectWebSocketAsync());
        await server.OpenAsync(1, "$listen/" + name);
        Assert.Equal(FrameType.Next, (await server.ReceiveUntilAsync(f => f.StreamId == 1)).Type);
        await using var caller = await RawClient.StartAsync(await host.ConnectWebSocketAsync());
        await caller.OpenAsync(1, "$connect/" + name);
        var opened = await server.ReceiveUntilAsync(f => f.Type == FrameType.Open);
        for (var i = 0; i < 20; i++)
        {
            await server.SendAsync(w => FrameWriter.WriteNext(w, opened.StreamId, null, Encoding.UTF8.GetBytes($$"""{"from":"host","text":"{{i}}","stream":0}""")));
        }
        var error = await caller.ReceiveUntilAsync(f => f.Type == FrameType.Error);
        Assert.Equal((1u, "rate_limited"), (error.StreamId, error.Code));
        var cancel = await server.ReceiveUntilAsync(f => f.Type == FrameType.Cancel);
        Assert.Equal(opened.StreamId, cancel.StreamId);
        Assert.Null(server.CloseStatus);
    }

    [Fact]
    public async Task A_session_keeps_the_offsets_of_at_most_MaxStreamsPerConnection_routes()
    {
        var hub = (IStreamHub)Host.Services.GetService(typeof(IStreamHub))!;
        var prefix = Guid.NewGuid().ToString("N");
        string sessionId;
        await using (var client = await RawClient.ConnectAsync(Host.Endpoint))
        {
            sessionId = client.SessionId;
            // 20 resumable routes one after the other, each with an item delivered; the limit of open streams is 8.
            for (uint i = 0; i < 20; i++)
            {
                var id = (2 * i) + 1;
                await hub.Channel<Tick>($"feed:{prefix}{i}", new StreamChannelOptions { MaxLength = 100_000 }).PublishAsync(new Tick((int)i));
                await client.OpenAsync(id, $"feed/{prefix}{i}", offset: StreamOffset.Start);
                Assert.Equal(FrameType.Next, (await client.ReceiveUntilAsync(f => f.StreamId == id)).Type);
                await client.CancelAsync(id);
            }
        }
        var sessions = (Sessions.IStreamSessionStore)Host.Services.GetService(typeof(Sessions.IStreamSessionStore))!;
        Sessions.StreamSession? session = null;
        await Wait.UntilAsync(async () => (session = await sessions.GetAsync(sessionId)) is { Streams.Count: > 0 }, "the session was saved");
        Assert.InRange(session!.Streams.Count, 1, 8);
    }

    [Fact]
    public async Task An_item_too_large_for_a_frame_ends_its_stream_with_handler_error_and_the_connection_lives()
    {
        await using var client = await RawClient.ConnectAsync(Host.Endpoint);
        await client.OpenAsync(1, "huge");
        var error = await client.ReceiveUntilAsync(f => f.StreamId == 1);
        Assert.Equal((FrameType.Error, "handler_error"), (error.Type, error.Code));
        await client.AssertAliveAsync(3);
    }

    [Fact]
    public async Task Requests_waiting_for_an_asynchronous_policy_count_against_the_pending_limit()
    {
        var policy = new PendingAuthorization();
        await using var host = await KestrelHost.StartAsync(
            o => o.MaxPendingBytesPerConnection = 256 * 1024,
            rx =>
            {
                rx.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler>(policy);
                rx.Services.AddAuthorization(a => a.AddPolicy(PendingAuthorization.Policy, p => p.AddRequirements(new PendingAuthorization.Requirement())));
            },
            inMemory: true);
        await using var client = await RawClient.StartAsync(await host.ConnectWebSocketAsync());
        // Requests of 60 KB each wait for the policy: the fifth no longer fits in 256 KiB.
        var padding = new string(' ', 60_000);
        for (uint i = 0; i < 6; i++)
        {
            await client.OpenAsync((2 * i) + 1, "pending-auth", payload: Encoding.UTF8.GetBytes($$"""{"a":1,"b":2{{padding}}}"""));
        }
        var error = await client.ReceiveUntilAsync(f => f.Type == FrameType.Error);
        Assert.Equal("rate_limited", error.Code);
        Assert.InRange(error.StreamId, 7u, 11u);
        policy.Release();
        var answer = await client.ReceiveUntilAsync(f => f.Type == FrameType.Next);
        Assert.Equal("3", answer.Payload);
    }

    [Fact]
    public async Task A_callers_input_before_its_servers_owner_is_found_is_bounded_and_ends_with_rate_limited()
    {
        // The owner lookup hangs (a backplane that stopped answering it): what the caller sends meanwhile is kept and
        // counts against the caller's connection (256 KiB here); past it, the call ends.
        var backplane = new GatedBackplane(new Backplanes.InMemory.InMemoryBackplane());
        await using var host = await KestrelHost.StartAsync(o => o.MaxPendingBytesPerConnection = 256 * 1024, rx => rx.Services.AddSingleton<Backplanes.StreamBackplane>(backplane), inMemory: true);
        var name = "slow-" + Guid.NewGuid().ToString("N");
        await using var server = await RawClient.StartAsync(await host.ConnectWebSocketAsync());
        await server.OpenAsync(1, "$listen/" + name);
        Assert.Equal(FrameType.Next, (await server.ReceiveUntilAsync(f => f.StreamId == 1)).Type);

        await using var caller = await RawClient.StartAsync(await host.ConnectWebSocketAsync());
        await caller.OpenAsync(1, "$connect/" + name);
        await Wait.UntilAsync(() => backplane.Lookups.Waiting > 0, "the owner lookup is under way");
        var chunk = new string('x', 30_000);
        for (var i = 0; i < 20; i++)
        {
            await caller.NextAsync(1, $$"""{"text":"{{chunk}}"}""");
        }
        var error = await caller.ReceiveUntilAsync(f => f.Type == FrameType.Error);
        Assert.Equal((1u, "rate_limited"), (error.StreamId, error.Code));
        backplane.Lookups.Open();
        await caller.AssertAliveAsync(3);
    }

    /// <summary>Messages that break the handshake's rules, sent at each point of it, and the answer each gets.</summary>
    public static TheoryData<string, bool, string, string, int> HandshakeCases => new()
    {
        // case, handshake done first, message (hex, or "text:" + text), code, close status
        { "HELLO and another frame in one message", false, Hex(w => { FrameWriter.WriteHello(w, ProtocolConstants.Version, ""); FrameWriter.WritePing(w); }), "protocol_error", 1002 },
        { "a second HELLO after WELCOME", true, Hex(w => FrameWriter.WriteHello(w, ProtocolConstants.Version, "")), "protocol_error", 1002 },
        { "WELCOME from a client", true, Hex(w => FrameWriter.WriteWelcome(w, ProtocolConstants.Version, "s", false, 0, 0)), "protocol_error", 1002 },
        { "a text message after WELCOME", true, "text:hello", "protocol_error", 1002 },
        { "an empty message before HELLO", false, "", "protocol_error", 1002 },
        { "an empty message after WELCOME", true, "", "protocol_error", 1002 },
        { "a lying length prefix before HELLO", false, "7f01", "protocol_error", 1002 },
    };

    [Theory]
    [MemberData(nameof(HandshakeCases))]
    public async Task A_message_that_breaks_the_handshake_gets_its_documented_error_and_close(string @case, bool handshake, string message, string code, int status)
    {
        await using var client = await RawClient.ConnectAsync(Host.Endpoint, hello: handshake);
        if (message.StartsWith("text:", StringComparison.Ordinal))
        {
            await client.SendRawAsync(Encoding.UTF8.GetBytes(message[5..]), WebSocketMessageType.Text);
        }
        else
        {
            await client.SendRawAsync(Convert.FromHexString(message));
        }
        var error = await client.ReceiveUntilAsync(f => f.Type != FrameType.Ping);
        Assert.True((FrameType.Error, 0u, code) == (error.Type, error.StreamId, error.Code), $"{@case}: got {error}");
        await Wait.ForAsync(client.Closed, $"{@case}: the server closed the connection");
        Assert.Equal((WebSocketCloseStatus)status, client.CloseStatus);
    }

    private static string Hex(Action<IBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return Convert.ToHexString(buffer.WrittenSpan);
    }

    [GeneratedRegex(@"the server answers (\w+)")]
    private static partial Regex ServerAnswer();
}
