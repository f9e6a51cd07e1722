using System.Net;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using RxStreams.Protocol;
using RxStreams.Testing;

namespace RxStreams.AspNetCore.Tests;

/// <summary>A host with tight limits, an origin allow-list and a header-based test user.</summary>
public sealed class LimitsFixture : IAsyncLifetime
{
    public KestrelHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await KestrelHost.StartAsync(
        o =>
        {
            o.MaxPendingBytesPerConnection = 256 * 1024;
            o.MaxStreamsPerConnection = 8;
            o.MaxRouteLength = 64;
            o.AllowedOrigins.Add("http://good.example");
            // A client that stopped reading has megabytes in the socket buffers to read before the closing ERROR
            // frame: on a loaded machine that can take longer than the default 5 s before the socket is aborted.
            o.CloseTimeout = TimeSpan.FromMinutes(1);
        },
        configureApp: app => app.Use((context, next) =>
        {
            // Tests authenticate with headers: X-Test-User and X-Test-Roles.
            if (context.Request.Headers["X-Test-User"].ToString() is { Length: > 0 } user)
            {
                var claims = new List<Claim> { new(ClaimTypes.Name, user) };
                claims.AddRange(context.Request.Headers["X-Test-Roles"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => new Claim(ClaimTypes.Role, r)));
                context.User = new ClaimsPrincipal(new ClaimsIdentity(claims, "Test"));
            }
            return next(context);
        }));

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

public sealed class ProtocolTests(LimitsFixture fixture) : IClassFixture<LimitsFixture>
{
    private KestrelHost Host => fixture.Host;

    private static byte[] Json(string json) => Encoding.UTF8.GetBytes(json);

    [Fact]
    public async Task Credits_bound_what_the_server_sends_until_the_client_asks_for_more()
    {
        await using var client = await RawClient.ConnectAsync(Host.Endpoint);
        await client.OpenAsync(1, "count/100", credits: 10);
        for (var i = 0; i < 10; i++)
        {
            var frame = await client.ReceiveUntilAsync(f => f.Type != FrameType.Ping);
            Assert.Equal(FrameType.Next, frame.Type);
            Assert.Equal($$"""{"n":{{i}}}""", frame.Payload);
        }
        // Nothing more comes: ask for a PONG as a fence; it arrives, and no NEXT before it.
        await client.SendAsync(w => FrameWriter.WritePing(w));
        var fence = await client.ReceiveAsync();
        Assert.Equal(FrameType.Pong, fence.Type);

        await client.RequestAsync(1, 5);
        for (var i = 10; i < 15; i++)
        {
            Assert.Equal($$"""{"n":{{i}}}""", (await client.ReceiveAsync()).Payload);
        }
        await client.SendAsync(w => FrameWriter.WritePing(w));
        Assert.Equal(FrameType.Pong, (await client.ReceiveAsync()).Type);

        await client.RequestAsync(1, 1000);
        var last = await client.ReceiveUntilAsync(f => f.Type == FrameType.Complete);
        Assert.Equal(1u, last.StreamId);
    }

    [Fact]
    public async Task A_client_that_stops_reading_keeps_the_servers_pending_bytes_bounded_and_gets_slow_consumer()
    {
        var before = Host.Services.GetConnectionHandler().Connections.ToHashSet();
        await using var client = await RawClient.ConnectAsync(Host.Endpoint);
        client.PauseReading();
        await client.OpenAsync(1, "flood");
        var connection = await Host.WaitForNewConnectionAsync(before);
        // The socket backs up, the queue reaches the limit, the server gives up on the connection (dropping what was
        // queued and not yet taken by the writer, which may stay stuck in a send until the client reads).
        await Wait.UntilAsync(() => connection.IsClosing, "the server ended the slow connection");
        Assert.InRange(connection.Outbound.PeakPendingBytes, 1, 256 * 1024 + 2 * 1024);
        client.ResumeReading();
        var error = await client.ReceiveUntilAsync(f => f.Type == FrameType.Error);
        Assert.Equal(0u, error.StreamId);
        Assert.Equal("slow_consumer", error.Code);
    }

    [Fact]
    public async Task A_slow_client_that_never_reads_the_close_is_cut_off_after_the_close_timeout()
    {
        await using var host = await KestrelHost.StartAsync(o =>
        {
            o.MaxPendingBytesPerConnection = 256 * 1024;
            o.CloseTimeout = TimeSpan.FromMilliseconds(300);
        });
        var handler = host.Services.GetConnectionHandler();
        await using var client = await RawClient.ConnectAsync(host.Endpoint);
        client.PauseReading();
        await client.OpenAsync(1, "flood");
        Connections.StreamConnection? connection = null;
        await Wait.UntilAsync(() => (connection = handler.Connections.FirstOrDefault()) is not null, "the connection is registered");
        await Wait.UntilAsync(() => connection!.IsClosing, "the server ended the slow connection");
        // The client reads nothing, so neither the ERROR frame nor the close handshake can go out: the socket is
        // aborted and the connection released, without the client's help.
        await Wait.UntilAsync(() => handler.Connections.Count == 0, "the stuck connection was aborted");
        Assert.Null(client.CloseStatus);
    }

    [Fact]
    public async Task A_stream_without_credits_is_ended_with_slow_consumer_and_the_connection_lives()
    {
        await using var client = await RawClient.ConnectAsync(Host.Endpoint);
        await client.OpenAsync(1, "flood", credits: 1);
        var first = await client.ReceiveAsync();
        Assert.Equal(FrameType.Next, first.Type);
        var error = await client.ReceiveUntilAsync(f => f.Type == FrameType.Error);
        Assert.Equal((1u, "slow_consumer"), (error.StreamId, error.Code));
        await client.AssertAliveAsync(3);
    }

    [Fact]
    public async Task History_replay_waits_for_credits_instead_of_flooding_the_connection()
    {
        // 400 items of 1 KB: more history than the connection may hold pending (256 KiB). Replayed without waiting
        // for credits, the items would pile up on the stream and end it with slow_consumer.
        const int Items = 400;
        var hub = (IStreamHub)Host.Services.GetService(typeof(IStreamHub))!;
        var name = Guid.NewGuid().ToString("N");
        var channel = hub.Channel<Say>($"room:{name}");
        var text = new string('x', 1000);
        for (var i = 0; i < Items; i++)
        {
            await channel.PublishAsync(new Say(text));
        }

        await using var client = await RawClient.ConnectAsync(Host.Endpoint);
        await client.OpenAsync(1, "room/" + name, credits: 10, offset: StreamOffset.Start);
        var offsets = new List<StreamOffset>();
        for (var i = 0; i < 10; i++)
        {
            var frame = await client.ReceiveUntilAsync(f => f.Type != FrameType.Ping);
            Assert.Equal(FrameType.Next, frame.Type);
            offsets.Add(frame.Offset!.Value);
        }
        // The replay waits: the PONG comes next, with no NEXT and no slow_consumer before it.
        await client.SendAsync(w => FrameWriter.WritePing(w));
        Assert.Equal(FrameType.Pong, (await client.ReceiveUntilAsync(f => f.Type != FrameType.Ping)).Type);

        await client.RequestAsync(1, Items);
        while (offsets.Count < Items)
        {
            var frame = await client.ReceiveUntilAsync(f => f.Type != FrameType.Ping);
            Assert.Equal(FrameType.Next, frame.Type);
            offsets.Add(frame.Offset!.Value);
        }
        Assert.True(offsets.Zip(offsets.Skip(1)).All(pair => pair.First < pair.Second), "the history arrived in order, once");
        await client.AssertAliveAsync(3);
    }

    [Fact]
    public async Task An_unknown_route_a_bad_route_value_and_a_too_long_route_end_only_their_stream()
    {
        await using var client = await RawClient.ConnectAsync(Host.Endpoint);
        await client.OpenAsync(1, "no/such/route");
        Assert.Equal("route_not_found", (await client.ReceiveAsync()).Code);
        await client.OpenAsync(3, "count/abc");
        Assert.Equal("bad_route_value", (await client.ReceiveAsync()).Code);
        await client.OpenAsync(5, "count/" + new string('1', 100));
        Assert.Equal("bad_route_value", (await client.ReceiveAsync()).Code);
        await client.AssertAliveAsync(7);
    }

    [Fact]
    public async Task An_invalid_payload_ends_its_stream_with_invalid_payload_and_the_connection_lives()
    {
        await using var client = await RawClient.ConnectAsync(Host.Endpoint);
        await client.OpenAsync(1, "echo/1");
        await client.NextAsync(1, "{\"text\": 12, ");
        var error = await client.ReceiveAsync();
        Assert.Equal((1u, "invalid_payload"), (error.StreamId, error.Code));
        await client.OpenAsync(3, "math/add", payload: Json("[1,2]"));
        Assert.Equal("invalid_payload", (await client.ReceiveAsync()).Code);
        await client.OpenAsync(5, "math/add");
        Assert.Equal("invalid_payload", (await client.ReceiveAsync()).Code);
        await client.AssertAliveAsync(7);
    }

    [Fact]
    public async Task An_unauthorized_open_is_refused_and_the_connection_lives()
    {
        await using (var anonymous = await RawClient.ConnectAsync(Host.Endpoint))
        {
            await anonymous.OpenAsync(1, "admin");
            Assert.Equal("unauthorized", (await anonymous.ReceiveAsync()).Code);
            await anonymous.AssertAliveAsync(3);
        }
        await using (var user = await RawClient.ConnectAsync(Host.Endpoint, headers: new Dictionary<string, string> { ["X-Test-User"] = "ann" }))
        {
            await user.OpenAsync(1, "admin");
            Assert.Equal("forbidden", (await user.ReceiveAsync()).Code);
        }
        await using var admin = await RawClient.ConnectAsync(Host.Endpoint, headers: new Dictionary<string, string> { ["X-Test-User"] = "root", ["X-Test-Roles"] = "admin" });
        await admin.OpenAsync(1, "admin");
        Assert.Equal("""{"n":42}""", (await admin.ReceiveAsync()).Payload);
    }

    [Fact]
    public async Task A_disallowed_origin_is_refused_before_the_upgrade()
    {
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => RawClient.ConnectAsync(Host.Endpoint, origin: "http://evil.example"));
        Assert.Contains("403", refused.Message);
        await using var allowed = await RawClient.ConnectAsync(Host.Endpoint, origin: "http://good.example");
        await using var noOrigin = await RawClient.ConnectAsync(Host.Endpoint);
        await allowed.AssertAliveAsync(1);
    }

    [Fact]
    public async Task A_second_open_on_a_live_stream_id_ends_that_stream_with_stream_id_in_use_and_the_connection_lives()
    {
        await using var client = await RawClient.ConnectAsync(Host.Endpoint);
        await client.OpenAsync(1, "echo/1");
        await client.OpenAsync(1, "echo/2");
        var error = await client.ReceiveAsync();
        Assert.Equal((1u, "stream_id_in_use"), (error.StreamId, error.Code));
        await client.AssertAliveAsync(3);
        // Reusing an id whose stream ended is a protocol error: ids are never reused.
        await client.OpenAsync(1, "echo/1");
        var reused = await client.ReceiveUntilAsync(f => f.Type == FrameType.Error);
        Assert.Equal((0u, "protocol_error"), (reused.StreamId, reused.Code));
        await Wait.ForAsync(client.Closed, "the server closed the connection");
        Assert.Equal(WebSocketCloseStatus.ProtocolError, client.CloseStatus);
    }

    [Fact]
    public async Task An_oversized_message_closes_the_connection_with_frame_too_large()
    {
        await using var client = await RawClient.ConnectAsync(Host.Endpoint);
        await client.OpenAsync(1, "echo/1");
        var big = "{\"text\":\"" + new string('x', 70_000) + "\"}";
        await client.NextAsync(1, big);
        var error = await client.ReceiveUntilAsync(f => f.Type == FrameType.Error);
        Assert.Equal((0u, "frame_too_large"), (error.StreamId, error.Code));
        await Wait.ForAsync(client.Closed, "the server closed the connection");
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, client.CloseStatus);
    }

    [Fact]
    public async Task Too_many_streams_are_refused_one_by_one()
    {
        await using var client = await RawClient.ConnectAsync(Host.Endpoint);
        for (uint i = 0; i < 8; i++)
        {
            await client.OpenAsync(2 * i + 1, $"echo/{i}");
        }
        await client.OpenAsync(17, "echo/9");
        var error = await client.ReceiveAsync();
        Assert.Equal((17u, "too_many_streams"), (error.StreamId, error.Code));
        await client.CancelAsync(1);
        await client.OpenAsync(19, "echo/10");
        await client.NextAsync(19, "{\"text\":\"ok\"}");
        Assert.Equal(19u, (await client.ReceiveAsync()).StreamId);
    }

    [Fact]
    public async Task A_version_the_server_does_not_speak_gets_unsupported_version()
    {
        await using var client = await RawClient.ConnectAsync(Host.Endpoint, hello: false);
        await client.SendAsync(w => FrameWriter.WriteHello(w, 99, ""));
        var error = await client.ReceiveAsync();
        Assert.Equal((0u, "unsupported_version"), (error.StreamId, error.Code));
        Assert.Contains("version 1", error.Message);
    }

    [Fact]
    public async Task A_frame_before_hello_is_a_protocol_error()
    {
        await using var client = await RawClient.ConnectAsync(Host.Endpoint, hello: false);
        await client.OpenAsync(1, "echo/1");
        Assert.Equal("protocol_error", (await client.ReceiveAsync()).Code);
        await Wait.ForAsync(client.Closed, "the server closed the connection");
    }

    [Fact]
    public async Task Messages_beyond_the_rate_limit_end_their_stream_with_rate_limited_and_the_connection_lives()
    {
        // A burst of 5 and 1 message per second: the OPEN and 4 NEXT pass, one of the next ones is refused.
        await using var host = await KestrelHost.StartAsync(o => (o.MaxMessagesPerSecond, o.MessageBurst) = (1, 5), inMemory: true);
        await using var client = await RawClient.StartAsync(await host.ConnectWebSocketAsync());
        await client.OpenAsync(1, "echo/1");
        for (var i = 0; i < 20; i++)
        {
            await client.NextAsync(1, $"{{\"text\":\"{i}\"}}");
        }
        var error = await client.ReceiveUntilAsync(f => f.Type == FrameType.Error);
        Assert.Equal((1u, "rate_limited"), (error.StreamId, error.Code));
        // PING is not rate-limited: the connection still answers.
        await client.SendAsync(w => FrameWriter.WritePing(w));
        await client.ReceiveUntilAsync(f => f.Type == FrameType.Pong);
        Assert.Null(client.CloseStatus);
    }

    [Fact]
    public async Task Input_a_handler_has_not_read_is_kept_up_to_the_limit_then_its_stream_ends_with_rate_limited()
    {
        await using var host = await KestrelHost.StartAsync(o => o.MaxUnreadInputMessages = 3, inMemory: true);
        await using var client = await RawClient.StartAsync(await host.ConnectWebSocketAsync());
        await client.OpenAsync(1, "unread");
        for (var i = 0; i < 3; i++)
        {
            await client.NextAsync(1, $"{{\"text\":\"{i}\"}}");
        }
        // Three are kept: the PING's answer comes with no error before it.
        await client.SendAsync(w => FrameWriter.WritePing(w));
        Assert.Equal(FrameType.Pong, (await client.ReceiveAsync()).Type);
        await client.NextAsync(1, """{"text":"one too many"}""");
        var error = await client.ReceiveAsync();
        Assert.Equal((1u, "rate_limited"), (error.StreamId, error.Code));
        await client.AssertAliveAsync(3);
    }

    [Fact]
    public async Task Random_and_truncated_frames_never_escape_and_never_hurt_another_connection()
    {
        // On the in-memory test server: most hostile messages close their connection, and tens of thousands of
        // TCP connections would cost minutes without testing anything more of the server.
        var messages = int.TryParse(Environment.GetEnvironmentVariable("RXSTREAMS_FUZZ_MESSAGES"), out var m) ? m : 100_000;
        await using var host = await KestrelHost.StartAsync(o => o.MaxMessagesPerSecond = 1_000, inMemory: true);
        await using var healthy = await RawClient.StartAsync(await host.ConnectWebSocketAsync());
        await healthy.OpenAsync(1, "echo/0");
        var valid = ValidMessages();
        var random = new Random(1234);
        int sent = 0, closedByServer = 0, survived = 0;
        var workers = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            while (Volatile.Read(ref sent) < messages)
            {
                await using var client = await RawClient.StartAsync(await host.ConnectWebSocketAsync());
                // Garbage until the server closes this connection. After each message a PING is the fence: a PONG
                // means the server read the message and carried on (it was harmless), a close means it refused it.
                while (Interlocked.Increment(ref sent) <= messages)
                {
                    byte[] message;
                    lock (random)
                    {
                        message = Mutate(valid[random.Next(valid.Length)], random);
                    }
                    try
                    {
                        await client.SendRawAsync(message);
                        await client.SendAsync(w => FrameWriter.WritePing(w));
                        await client.ReceiveUntilAsync(f => f.Type == FrameType.Pong);
                        Interlocked.Increment(ref survived);
                    }
                    catch (Exception e) when (e is WebSocketException or ObjectDisposedException or InvalidOperationException or IOException)
                    {
                        Interlocked.Increment(ref closedByServer);
                        break;
                    }
                }
            }
        })).ToArray();
        // Meanwhile a well-behaved client chats at a human pace and must notice nothing.
        var chatter = Task.Run(async () =>
        {
            for (var i = 0; !workers.All(w => w.IsCompleted); i++)
            {
                await healthy.NextAsync(1, $$"""{"text":"{{i}}"}""");
                var echo = await healthy.ReceiveUntilAsync(f => f.Type is FrameType.Next or FrameType.Error);
                Assert.Equal($$"""{"from":"anonymous","text":"{{i}}","stream":0}""", echo.Payload);
                await Task.Delay(5);
            }
        });
        await Wait.ForAsync(Task.WhenAll(workers), $"{messages} hostile messages", TimeSpan.FromMinutes(5));
        await Wait.ForAsync(chatter, "the healthy connection's chat");
        Assert.True(closedByServer > messages / 10, $"the server refused {closedByServer} connections");
        Assert.True(survived > 0, "some messages were harmless");
        Assert.DoesNotContain(host.Services.GetConnectionHandler().Connections, c => c.StreamCount > 1);
        await healthy.AssertAliveAsync(3);
    }

    /// <summary>Valid messages of every kind, to mutate.</summary>
    private static byte[][] ValidMessages()
    {
        var writers = new Action<System.Buffers.IBufferWriter<byte>>[]
        {
            w => FrameWriter.WriteOpen(w, 1, "echo/1", null, 10, default, false),
            w => FrameWriter.WriteOpen(w, 3, "math/add", new StreamOffset(1700000000000, 2), 1, Json("{\"a\":1,\"b\":2}"), true),
            w => FrameWriter.WriteNext(w, 1, null, Json("{\"text\":\"hi\"}")),
            w => FrameWriter.WriteRequest(w, 1, 5),
            w => FrameWriter.WriteCancel(w, 1),
            w => FrameWriter.WriteComplete(w, 1),
            w => FrameWriter.WriteError(w, 1, "cancelled", "bye"),
            w => FrameWriter.WritePing(w),
            w => FrameWriter.WriteHello(w, 1, "abc"),
        };
        return [.. writers.Select(write =>
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            write(buffer);
            return buffer.WrittenSpan.ToArray();
        })];
    }

    private static byte[] Mutate(byte[] message, Random random)
    {
        var bytes = message.ToList();
        switch (random.Next(5))
        {
            case 0: // truncate
                return [.. bytes.Take(random.Next(bytes.Count))];
            case 1: // flip bits
                for (var i = 0; i < 1 + random.Next(3); i++)
                {
                    var at = random.Next(bytes.Count);
                    bytes[at] ^= (byte)(1 << random.Next(8));
                }
                return [.. bytes];
            case 2: // insert junk
                bytes.InsertRange(random.Next(bytes.Count), Enumerable.Range(0, 1 + random.Next(8)).Select(_ => (byte)random.Next(256)));
                return [.. bytes];
            case 3: // pure noise
                return [.. Enumerable.Range(0, 1 + random.Next(64)).Select(_ => (byte)random.Next(256))];
            default: // valid
                return [.. bytes];
        }
    }
}
