using System.Net.WebSockets;
using System.Text.Json;
using RxStreams.Fuzzing.Client;
using RxStreams.Fuzzing.Host;
using RxStreams.Fuzzing.Wire;
using RxStreams.Protocol;

namespace RxStreams.Fuzzing.Scenarios;

/// <summary>The hostile scenarios and their oracles (docs/protocol.md sections cited in each).</summary>
internal static class HostileScenarios
{
    private const uint Unbounded = ProtocolConstants.UnboundedCredits;

    public static IReadOnlyList<HostileScenario> Create() =>
    [
        new("slow-reader", "reads one message a millisecond while a handler floods: slow_consumer, close 1008 (7.4, 10)", SlowReaderAsync),
        new("never-reading", "stops reading while a handler floods: the server gives up on it, ERROR(0, slow_consumer) or, once CloseTimeout passed, an abort (10)", NeverReadingAsync),
        new("abandoned-silent", "connects and sends nothing: handshake_timeout, close 1008 (6.1.3)", SilentAsync),
        new("abandoned-half-hello", "sends half a HELLO message and stops: handshake_timeout, close 1008 (6.1.3)", HalfHelloAsync),
        new("abandoned-abort", "connects (and sometimes says HELLO) then cuts the TCP connection: nothing must leak", AbortAsync),
        new("session-resume", "reconnects with the session id of its WELCOME: RESUMED with the same id (6.3)", SessionResumeAsync),
        new("hosted-server", "hosts a stream server, a caller connects: frames relayed both ways, CANCEL relayed, a late NEXT ignored, the host's REQUEST a protocol_error (7.7, 7.8)", HostedServerAsync),
        new("rate-next-flood", "NEXT beyond the burst: rate_limited on that stream, the connection lives (9, 11)", RateNextFloodAsync),
        new("rate-open-flood", "OPEN (no payload) + CANCEL beyond the burst: rate_limited (9: opening counts)", RateOpenFloodAsync),
        new("rate-open-payload-flood", "OPEN with payload beyond the burst: rate_limited (9, 11)", RateOpenPayloadFloodAsync),
        new("zero-credits-busy-durable", "a 0-credit stream replaying a busy durable channel: the server holds nothing for it (no error, memory bounded) and it reads what the history holds once it asks (7.4, issue 12 #3)", ZeroCreditsBusyDurableAsync),
        new("from-start-trimmed", "an OPEN from 0-0 overtaken by the trim after its first item: not_recovered with the first offset held, and a new OPEN from 0-0 reads from there (8.3)", FromStartTrimmedAsync),
    ];

    /// <summary>Checks a flooded stream's frames: NEXT on stream 1 only.</summary>
    private static void OnlyFloodItems(ScenarioContext c, List<Incoming> frames, string what)
    {
        foreach (var frame in frames)
        {
            if (frame is { Kind: IncomingKind.Frame, Type: FrameType.Next, StreamId: 1 } or { Kind: IncomingKind.Frame, Type: FrameType.Pong })
            {
                continue;
            }
            c.Problem($"{what}: unexpected {frame}");
            return;
        }
    }

    private static async Task SlowReaderAsync(ScenarioContext c)
    {
        await using var socket = await c.ConnectWithHelloAsync().ConfigureAwait(false);
        if (socket is null)
        {
            return;
        }
        await c.SendAsync(socket, Parts.Open(1, "fuzz/flood", Unbounded)).ConfigureAwait(false);
        var before = new List<Incoming>();
        var deadline = DateTime.UtcNow + ScenarioContext.Timeout;
        Incoming? end = null;
        while (DateTime.UtcNow < deadline)
        {
            // A slow reader: one message at a time with a pause, far slower than the handler produces.
            socket.PauseReading();
            await Task.Delay(1).ConfigureAwait(false);
            socket.ResumeReading();
            var next = await c.NextAsync(socket, "slow_consumer", TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            if (next is null || next is { Kind: IncomingKind.Closed or IncomingKind.Aborted } or { Type: FrameType.Error })
            {
                end = next;
                break;
            }
            before.Add(next);
        }
        OnlyFloodItems(c, before, "slow reader");
        if (end is { Kind: IncomingKind.Aborted })
        {
            return; // allowed: a client that reads too slowly to take the closing frames in CloseTimeout is cut off (10)
        }
        if (end is not { Kind: IncomingKind.Frame, Type: FrameType.Error, StreamId: 0, Code: StreamErrorCodes.SlowConsumer })
        {
            c.Problem($"slow reader: expected ERROR(0, slow_consumer), got {end?.ToString() ?? "nothing within the timeout"}");
            return;
        }
        var close = await c.UntilAsync(socket, i => i.Kind is IncomingKind.Closed or IncomingKind.Aborted, "the close").ConfigureAwait(false);
        if (close is not ({ Kind: IncomingKind.Aborted } or { CloseStatus: WebSocketCloseStatus.PolicyViolation }))
        {
            c.Problem($"slow reader: after ERROR(0, slow_consumer) expected close 1008, got {close?.ToString() ?? "nothing"}");
        }
    }

    private static async Task NeverReadingAsync(ScenarioContext c)
    {
        await using var socket = await c.ConnectWithHelloAsync().ConfigureAwait(false);
        if (socket is null)
        {
            return;
        }
        socket.PauseReading();
        await c.SendAsync(socket, Parts.Open(1, "fuzz/flood", Unbounded)).ConfigureAwait(false);
        // Read nothing for longer than the server's CloseTimeout: by then it must have given up on this connection.
        await Task.Delay(c.Settings.CloseTimeout + TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        socket.ResumeReading();
        var before = new List<Incoming>();
        var end = await c.UntilAsync(socket, i => i.Kind is IncomingKind.Closed or IncomingKind.Aborted || i.StreamId == 0 && i.Type == FrameType.Error, "the end", before).ConfigureAwait(false);
        OnlyFloodItems(c, before, "stopped reader");
        if (end is null)
        {
            c.Problem("stopped reader: the connection was still up (and flooding) after the close timeout");
        }
        else if (end is { Kind: IncomingKind.Frame } && end.Code != StreamErrorCodes.SlowConsumer)
        {
            c.Problem($"stopped reader: expected ERROR(0, slow_consumer), got {end}");
        }
    }

    /// <summary>How many connections each abandoned-handshake scenario opens at once.</summary>
    private const int Abandoned = 20;

    private static async Task SilentAsync(ScenarioContext c)
    {
        // Many at once: each must get its own handshake_timeout, none may hold the others up.
        await Task.WhenAll(Enumerable.Range(0, Abandoned).Select(async _ =>
        {
            await using var socket = await c.ConnectAsync().ConfigureAwait(false);
            await c.ExpectConnectionErrorAsync(socket, StreamErrorCodes.HandshakeTimeout, WebSocketCloseStatus.PolicyViolation, "silent client").ConfigureAwait(false);
        })).ConfigureAwait(false);
    }

    private static async Task HalfHelloAsync(ScenarioContext c)
    {
        await Task.WhenAll(Enumerable.Range(0, Abandoned).Select(async i =>
        {
            await using var socket = await c.ConnectAsync().ConfigureAwait(false);
            byte[] hello = [0x03, 0x01, 0x01, 0x00];
            await socket.SendPartialAsync(hello[..(1 + (i % 3))]).ConfigureAwait(false);
            await c.ExpectConnectionErrorAsync(socket, StreamErrorCodes.HandshakeTimeout, WebSocketCloseStatus.PolicyViolation, "part of a HELLO").ConfigureAwait(false);
        })).ConfigureAwait(false);
    }

    private static async Task AbortAsync(ScenarioContext c)
    {
        var sockets = new List<FuzzSocket>();
        for (var i = 0; i < Abandoned; i++)
        {
            var socket = await c.ConnectAsync().ConfigureAwait(false);
            sockets.Add(socket);
            switch (c.Random.Next(4))
            {
                case 0:
                    break;
                case 1:
                    await socket.SendPartialAsync([0x03]).ConfigureAwait(false);
                    break;
                case 2:
                    await c.SendAsync(socket, Parts.Hello(1, "")).ConfigureAwait(false);
                    break;
                default:
                    await c.SendAsync(socket, Parts.Hello(1, "")).ConfigureAwait(false);
                    await c.SendAsync(socket, Parts.Open(1, "fuzz/never", 1), Parts.Open(3, "fuzz/echo/1", 0, """{"text":"x"}"""), Parts.Open(5, "fuzz/flood", Unbounded)).ConfigureAwait(false);
                    break;
            }
        }
        // Cut them all without a close handshake; the server must release each (checked at the end of the run).
        foreach (var socket in sockets)
        {
            socket.Abort();
            await socket.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task SessionResumeAsync(ScenarioContext c)
    {
        string session;
        await using (var first = await c.ConnectWithHelloAsync().ConfigureAwait(false))
        {
            if (first is null)
            {
                return;
            }
            session = c.LastWelcome!.SessionId ?? "";
        }
        await using var second = await c.ConnectWithHelloAsync(sessionId: session).ConfigureAwait(false);
        if (second is null)
        {
            return;
        }
        if (c.LastWelcome is not { Resumed: true } welcome || welcome.SessionId != session)
        {
            c.Problem($"HELLO with the session id \"{session}\" of the last WELCOME: expected RESUMED with the same id, got {c.LastWelcome}");
        }
    }

    private static async Task HostedServerAsync(ScenarioContext c)
    {
        var name = $"fz{c.Index}";
        await using var host = await c.ConnectWithHelloAsync().ConfigureAwait(false);
        await using var caller = await c.ConnectWithHelloAsync().ConfigureAwait(false);
        if (host is null || caller is null)
        {
            return;
        }
        // 7.8: the listener owns the name and is told so.
        await c.SendAsync(host, Parts.Open(1, "$listen/" + name, Unbounded)).ConfigureAwait(false);
        var owned = await c.NextAsync(host, "the $listen NEXT").ConfigureAwait(false);
        if (owned is not { Type: FrameType.Next, StreamId: 1 } || !owned.Payload.Contains(name, StringComparison.Ordinal))
        {
            c.Problem($"$listen/{name}: expected NEXT 1 {{\"name\":\"{name}\"}}, got {owned?.ToString() ?? "nothing"}");
            return;
        }
        // A caller's request is relayed as a server-opened (even) stream with the payload as input (7.7).
        await c.SendAsync(caller, Parts.Open(1, "$connect/" + name, Unbounded, """{"text":"ping"}""")).ConfigureAwait(false);
        var open = await c.NextAsync(host, "the relayed OPEN").ConfigureAwait(false);
        if (open is not { Type: FrameType.Open } || open.StreamId % 2 != 0 || open.Route != name || open.Credits != Unbounded || open.HasPayload)
        {
            c.Problem($"$connect/{name}: the host expected OPEN (even id) \"{name}\" unbounded without payload, got {open?.ToString() ?? "nothing"}");
            return;
        }
        var even = open.StreamId;
        var input = await c.NextAsync(host, "the caller's input").ConfigureAwait(false);
        if (input is not { Type: FrameType.Next } || input.StreamId != even || input.Payload != """{"text":"ping"}""")
        {
            c.Problem($"$connect/{name}: the host expected NEXT {even} {{\"text\":\"ping\"}}, got {input?.ToString() ?? "nothing"}");
            return;
        }
        await c.SendAsync(host, Parts.Next(even, """{"text":"pong"}"""), Parts.Complete(even)).ConfigureAwait(false);
        var answer = await c.NextAsync(caller, "the host's answer").ConfigureAwait(false);
        var complete = await c.NextAsync(caller, "the host's COMPLETE").ConfigureAwait(false);
        if (answer is not { Type: FrameType.Next, StreamId: 1, Payload: """{"text":"pong"}""" } || complete is not { Type: FrameType.Complete, StreamId: 1 })
        {
            c.Problem($"$connect/{name}: the caller expected NEXT 1 {{\"text\":\"pong\"}} and COMPLETE 1, got {answer?.ToString() ?? "nothing"}, {complete?.ToString() ?? "nothing"}");
        }
        // A late answer on the finished server stream is ignored (7.6); the host's connection lives.
        await c.SendAsync(host, Parts.Next(even, """{"text":"late"}""")).ConfigureAwait(false);
        if (!await c.AliveAsync(host, "a late NEXT on a finished server-opened stream").ConfigureAwait(false))
        {
            return;
        }
        // The caller's CANCEL reaches the host as CANCEL of its stream (7.8).
        await c.SendAsync(caller, Parts.Open(3, "$connect/" + name, Unbounded)).ConfigureAwait(false);
        var second = await c.NextAsync(host, "the second relayed OPEN").ConfigureAwait(false);
        if (second is not { Type: FrameType.Open } || second.StreamId <= even || second.StreamId % 2 != 0)
        {
            c.Problem($"the second $connect: expected a new even OPEN above {even}, got {second?.ToString() ?? "nothing"}");
            return;
        }
        await c.SendAsync(caller, Parts.Cancel(3)).ConfigureAwait(false);
        var cancel = await c.NextAsync(host, "the relayed CANCEL").ConfigureAwait(false);
        if (cancel is not { Type: FrameType.Cancel } || cancel.StreamId != second.StreamId)
        {
            c.Problem($"the caller's CANCEL: the host expected CANCEL {second.StreamId}, got {cancel?.ToString() ?? "nothing"}");
        }
        // Nobody serves another name: no_such_server (7.8).
        await c.SendAsync(caller, Parts.Open(5, "$connect/" + name + "x", Unbounded, """{"text":"?"}""")).ConfigureAwait(false);
        var none = await c.NextAsync(caller, "no_such_server").ConfigureAwait(false);
        if (none is not { Type: FrameType.Error, StreamId: 5, Code: StreamErrorCodes.NoSuchServer })
        {
            c.Problem($"$connect to nobody: expected ERROR(5, no_such_server), got {none?.ToString() ?? "nothing"}");
        }
        // The host sends REQUEST on a stream the server opened: only the opener does (7.2): protocol_error.
        await c.SendAsync(host, Parts.Request(second.StreamId, 1)).ConfigureAwait(false);
        await c.ExpectConnectionErrorAsync(host, StreamErrorCodes.ProtocolError, WebSocketCloseStatus.ProtocolError, "the host's REQUEST on a server-opened stream").ConfigureAwait(false);
        // The caller is not hurt; a new call finds the name free again, or no server.
        await c.AliveAsync(caller, "the caller after its host broke the protocol").ConfigureAwait(false);
    }

    private static async Task RateNextFloodAsync(ScenarioContext c)
    {
        await using var socket = await c.ConnectWithHelloAsync(rateHost: true).ConfigureAwait(false);
        if (socket is null)
        {
            return;
        }
        var burst = c.Settings.RateHostBurst;
        var started = DateTime.UtcNow;
        await c.SendAsync(socket, Parts.Open(1, "fuzz/echo/1", Unbounded)).ConfigureAwait(false);
        for (var i = 0; i < burst + 10; i++)
        {
            await c.SendAsync(socket, Parts.Next(1, $$"""{"text":"f{{i}}"}""")).ConfigureAwait(false);
        }
        var echoes = new List<Incoming>();
        var error = await c.UntilAsync(socket, i => i.Type == FrameType.Error, "rate_limited", echoes).ConfigureAwait(false);
        var refill = (int)((DateTime.UtcNow - started).TotalSeconds * c.Settings.RateHostMessagesPerSecond) + 1;
        if (error is not { StreamId: 1, Code: StreamErrorCodes.RateLimited })
        {
            c.Problem($"{burst + 10} NEXT with a burst of {burst}: expected ERROR(1, rate_limited), got {error?.ToString() ?? "nothing"}");
        }
        else if (echoes.Count < burst - 1 || echoes.Count > burst + refill)
        {
            c.Problem($"{burst + 10} NEXT with a burst of {burst}: {echoes.Count} passed before rate_limited (expected {burst - 1} to {burst + refill})");
        }
        await c.AliveAsync(socket, "rate_limited ends the stream, not the connection").ConfigureAwait(false);
    }

    private static async Task RateOpenFloodAsync(ScenarioContext c) => await OpenFloodAsync(c, payload: false).ConfigureAwait(false);

    private static async Task RateOpenPayloadFloodAsync(ScenarioContext c) => await OpenFloodAsync(c, payload: true).ConfigureAwait(false);

    private static async Task OpenFloodAsync(ScenarioContext c, bool payload)
    {
        await using var socket = await c.ConnectWithHelloAsync(rateHost: true).ConfigureAwait(false);
        if (socket is null)
        {
            return;
        }
        var burst = c.Settings.RateHostBurst;
        var opens = burst + 10;
        var started = DateTime.UtcNow;
        for (uint i = 0; i < opens; i++)
        {
            var id = 2 * i + 1;
            await c.SendAsync(socket, payload ? Parts.Open(id, "fuzz/fire", 1, """{"text":"x"}""") : Parts.Open(id, "fuzz/never", 1), Parts.Cancel(id)).ConfigureAwait(false);
        }
        var frames = new List<Incoming>();
        await c.AliveAsync(socket, "an OPEN flood", frames).ConfigureAwait(false);
        var limited = frames.Where(f => f is { Type: FrameType.Error, Code: StreamErrorCodes.RateLimited }).Select(f => (f.StreamId + 1) / 2).ToList();
        var refill = (int)((DateTime.UtcNow - started).TotalSeconds * c.Settings.RateHostMessagesPerSecond) + 1;
        if (limited.Count == 0)
        {
            c.Problem($"{opens} OPEN{(payload ? " with payload" : " without payload")} (each then cancelled) with a burst of {burst}: not one rate_limited");
        }
        else if (limited.Min() <= burst - refill)
        {
            c.Problem($"OPEN number {limited.Min()} was rate_limited, within the burst of {burst}");
        }
    }

    private static async Task ZeroCreditsBusyDurableAsync(ScenarioContext c)
    {
        var name = c.Slot("z");
        var channel = c.Host.Hub.Channel<FuzzSay>("fuzz-feed:" + name);
        for (var i = 0; i < 3; i++)
        {
            await channel.PublishAsync(new FuzzSay("history " + i)).ConfigureAwait(false);
        }
        await using var socket = await c.ConnectWithHelloAsync().ConfigureAwait(false);
        if (socket is null)
        {
            return;
        }
        await c.SendAsync(socket, Parts.Open(1, "fuzz/feed/" + name, 0)).ConfigureAwait(false);
        if (!await c.AliveAsync(socket, "a 0-credit OPEN of a durable feed").ConfigureAwait(false))
        {
            return;
        }
        // Publish up to 40 times the pending limit in 1 KB items while the stream may send nothing.
        var text = new string('b', 1000);
        var limit = 40L * c.Settings.MaxPendingBytes;
        long published = 0;
        Incoming? answer = null;
        while (published < limit)
        {
            for (var i = 0; i < 32; i++)
            {
                await channel.PublishAsync(new FuzzSay(text)).ConfigureAwait(false);
                published += text.Length;
            }
            if (socket.TryReceive(out var incoming) && incoming.Type != FrameType.Ping)
            {
                c.Received(incoming.ToString());
                answer = incoming;
                break;
            }
        }
        if (answer is not null)
        {
            c.Problem($"a stream with 0 credits on a durable channel while {published / 1024} KiB were published: expected nothing (the live items are read again from history, nothing is held), got {answer}");
            return;
        }
        if (!await c.AliveAsync(socket, "a 0-credit stream on a busy channel").ConfigureAwait(false))
        {
            return;
        }
        // Once it asks, it reads what the history holds (a from-start OPEN is never not_recovered before its first item).
        await c.SendAsync(socket, Parts.Request(1, 10)).ConfigureAwait(false);
        StreamOffset? previous = null;
        for (var i = 0; i < 10; i++)
        {
            var next = await c.NextAsync(socket, "an item of the history").ConfigureAwait(false);
            if (next is not { Type: FrameType.Next, StreamId: 1, Offset: { } offset } || (previous is { } p && offset <= p))
            {
                c.Problem($"a 0-credit stream on a busy channel, then REQUEST 10: expected 10 NEXT with increasing offsets, got {next?.ToString() ?? "nothing"} as item {i}");
                break;
            }
            previous = offset;
        }
        await c.SendAsync(socket, Parts.Cancel(1)).ConfigureAwait(false);
    }

    private static async Task FromStartTrimmedAsync(ScenarioContext c)
    {
        // 280 items: more than one history page (256), within the channel's 300.
        var name = c.Slot("t");
        var first0 = (int)(c.Index % 1_000_000 * 1000); // values unique to this run: the channel keeps what earlier runs left
        var channel = c.Host.Hub.Channel<FuzzTick>("fuzz-trim:" + name, new StreamChannelOptions { MaxLength = FuzzTrimHandler.MaxLength });
        for (var i = 0; i < 280; i++)
        {
            await channel.PublishAsync(new FuzzTick(first0 + i)).ConfigureAwait(false);
        }
        await using var socket = await c.ConnectWithHelloAsync().ConfigureAwait(false);
        if (socket is null)
        {
            return;
        }
        await c.SendAsync(socket, Parts.Open(1, "fuzz/trim/" + name, 1, offset: StreamOffset.Start)).ConfigureAwait(false);
        var first = await c.NextAsync(socket, "the first item").ConfigureAwait(false);
        if (first is not { Type: FrameType.Next, StreamId: 1, Offset: not null })
        {
            c.Problem($"OPEN fuzz/trim/{name} @0-0 credits 1: expected NEXT 1 with an offset, got {first?.ToString() ?? "nothing"}");
            return;
        }
        // The replay waits for credits in its first page while the history moves on past all of it.
        var last = first0 + 280 + FuzzTrimHandler.MaxLength - 1;
        for (var i = first0 + 280; i <= last; i++)
        {
            await channel.PublishAsync(new FuzzTick(i)).ConfigureAwait(false);
        }
        // The items after the one it read are gone: the stream says so (8.3), with the first offset still held.
        await c.SendAsync(socket, Parts.Request(1, 100_000)).ConfigureAwait(false);
        var lost = await c.NextAsync(socket, "not_recovered").ConfigureAwait(false);
        if (lost is not { Type: FrameType.Error, StreamId: 1, Code: StreamErrorCodes.NotRecovered, Offset: { } held })
        {
            c.Problem($"a from-start OPEN (0-0) overtaken by the trim after its first item: expected ERROR(1, not_recovered) with the first offset held (8.3), got {lost?.ToString() ?? "nothing"}");
            return;
        }
        // As a client does: open again from the start, which yields what the channel holds, from that offset.
        await c.SendAsync(socket, Parts.Open(3, "fuzz/trim/" + name, 100_000, offset: StreamOffset.Start)).ConfigureAwait(false);
        StreamOffset? lastOffset = null;
        while (true)
        {
            var next = await c.NextAsync(socket, $"the items up to {last}").ConfigureAwait(false);
            if (next is not { Type: FrameType.Next, StreamId: 3, Offset: { } offset })
            {
                c.Problem($"OPEN 3 from 0-0 after not_recovered: expected what the channel holds up to item {last}, got {next?.ToString() ?? "nothing"}");
                break;
            }
            if (lastOffset is null ? offset < held : offset <= lastOffset)
            {
                c.Problem($"OPEN 3 from 0-0: {next} is {(lastOffset is null ? $"before the first offset held, {held}" : $"not after {lastOffset}")}");
                break;
            }
            lastOffset = offset;
            using var document = JsonDocument.Parse(next.Payload);
            if (document.RootElement.TryGetProperty("i", out var i) && i.GetInt32() == last)
            {
                break;
            }
        }
        await c.SendAsync(socket, Parts.Cancel(3)).ConfigureAwait(false);
    }
}
