using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using RxStreams.Protocol;
using RxStreams.Fuzzing.Wire;

namespace RxStreams.Fuzzing.Oracle;

/// <summary>
/// The oracle: what docs/protocol.md says the server answers to a sequence of messages, computed by a model of the
/// server (one connection, the fuzz routes of Host/FuzzHandlers.cs, the limits of <see cref="FuzzSettings"/>).
/// Messages are decoded with <see cref="FrameReader"/> (itself held to the independent test vectors of
/// docs/protocol-vectors.json); everything after decoding — handshake, stream ids, roles, credits, routes, payloads,
/// limits — is the model's reading of the document, section by section, not of the server's code.
/// </summary>
/// <remarks>
/// Where the document leaves an order open (which of two errors of one OPEN wins), the model takes the order the
/// document lists them in section 7.3 and notes it in the trace. Where the answer depends on timing (rate limits,
/// history replay) the sequence is not generated for the model: the scenarios check those.
/// </remarks>
public sealed class ProtocolModel
{
    private readonly FuzzSettings _settings;
    private readonly Expectation _expect = new();
    private readonly Dictionary<uint, ModelStream> _live = [];
    private readonly uint _idBase;
    private uint _lastClientId;
    private bool _handshakeDone;
    private bool _closed;
    private long _heldBytes;

    private ProtocolModel(FuzzSettings settings, uint idBase, bool handshakeDone)
    {
        _settings = settings;
        _idBase = idBase;
        _lastClientId = idBase;
        _handshakeDone = handshakeDone;
    }

    /// <summary>The documented answer to <paramref name="messages"/>, sent on a connection whose client stream ids so far go up to <paramref name="idBase"/>.</summary>
    public static Expectation Evaluate(FuzzSettings settings, uint idBase, bool handshakeDone, IReadOnlyList<RenderedMessage> messages)
    {
        var model = new ProtocolModel(settings, idBase, handshakeDone);
        foreach (var message in messages)
        {
            if (model._closed)
            {
                break;
            }
            model.Message(message);
        }
        model.Finish();
        return model._expect;
    }

    private void Trace(string step) => _expect.Trace.Add(step);

    private void Fail(string code, string why)
    {
        _expect.ConnectionError = code;
        _expect.CloseStatus = code switch
        {
            StreamErrorCodes.FrameTooLarge => WebSocketCloseStatus.MessageTooBig,
            StreamErrorCodes.HandshakeTimeout or StreamErrorCodes.KeepaliveTimeout or StreamErrorCodes.SlowConsumer => WebSocketCloseStatus.PolicyViolation,
            _ => WebSocketCloseStatus.ProtocolError,
        };
        Trace($"connection: ERROR(0, {code}) and close {(int)_expect.CloseStatus}: {why}");
        _closed = true;
        // Section 6.5: when the connection ends, every stream on it ends; what was in flight may or may not arrive.
        foreach (var stream in _live.Values)
        {
            stream.Expectation.PrefixOnly = true;
        }
        _live.Clear();
    }

    private void Message(RenderedMessage message)
    {
        // Section 2: every message is binary; the maximum bounds every message; a message with no frame is an error.
        if (message.Kind == MessageKind.Text)
        {
            Fail(StreamErrorCodes.ProtocolError, "a text message (section 2)");
            return;
        }
        if (message.Bytes.Length > _settings.MaxFrameSize)
        {
            Fail(StreamErrorCodes.FrameTooLarge, $"a message of {message.Bytes.Length} bytes, over the maximum {_settings.MaxFrameSize} (section 2, 5.1)");
            return;
        }
        if (message.Bytes.Length == 0)
        {
            Fail(StreamErrorCodes.ProtocolError, "an empty message (section 2)");
            return;
        }
        var buffer = new ReadOnlySequence<byte>(message.Bytes);
        if (!_handshakeDone)
        {
            Handshake(ref buffer);
            return;
        }
        while (!_closed && !buffer.IsEmpty)
        {
            Frame frame;
            try
            {
                if (!FrameReader.TryReadFrame(ref buffer, _settings.MaxFrameSize, out frame))
                {
                    break;
                }
            }
            catch (ProtocolException e)
            {
                Fail(e.Code, "decoding (section 5): " + e.Message);
                return;
            }
            Dispatch(frame);
        }
    }

    private void Handshake(ref ReadOnlySequence<byte> buffer)
    {
        Frame hello;
        try
        {
            if (!FrameReader.TryReadFrame(ref buffer, _settings.MaxFrameSize, out hello))
            {
                Fail(StreamErrorCodes.ProtocolError, "no frame");
                return;
            }
        }
        catch (ProtocolException e)
        {
            Fail(e.Code, "decoding the first message (section 5): " + e.Message);
            return;
        }
        if (hello.Type != FrameType.Hello)
        {
            Fail(StreamErrorCodes.ProtocolError, $"the first frame is {hello.Type}, not HELLO (6.1.2)");
            return;
        }
        if (hello.Version != ProtocolConstants.Version)
        {
            Fail(StreamErrorCodes.UnsupportedVersion, $"HELLO version {hello.Version} (6.1.4)");
            return;
        }
        if (!buffer.IsEmpty)
        {
            Fail(StreamErrorCodes.ProtocolError, "more frames after HELLO in its message (6.1.2)");
            return;
        }
        _expect.Welcome = true;
        _handshakeDone = true;
        Trace("WELCOME (6.1.4)");
    }

    private void Dispatch(in Frame frame)
    {
        switch (frame.Type)
        {
            case FrameType.Hello:
                Fail(StreamErrorCodes.ProtocolError, "a second HELLO (6.1.2)");
                return;
            case FrameType.Welcome:
                Fail(StreamErrorCodes.ProtocolError, "WELCOME from the client (4: sent by the server)");
                return;
            case FrameType.Ping:
                _expect.Pongs++;
                Trace("PING → PONG (6.4)");
                return;
            case FrameType.Pong:
                Trace("PONG: ignored (6.4)");
                return;
            case FrameType.Open:
                Open(frame);
                return;
            case FrameType.Error when frame.StreamId == 0:
                // Either side may end the connection with ERROR(0); the client then closes. What the server answers is
                // not written down (see the findings): the model only expects the connection to end, with 1000.
                _expect.ClientEndedConnection = true;
                _expect.CloseStatus = WebSocketCloseStatus.NormalClosure;
                Trace("ERROR(0) from the client: the connection ends (4, 6.5)");
                _closed = true;
                foreach (var stream in _live.Values)
                {
                    stream.Expectation.PrefixOnly = true;
                }
                _live.Clear();
                return;
        }
        var id = frame.StreamId;
        if (id % 2 == 0)
        {
            // Even ids are server-opened streams (7.1). The fuzz client hosts nothing, so the server opened none:
            // REQUEST/CANCEL are a role error (7.2), NEXT/COMPLETE/ERROR name a stream never opened (7.6).
            Fail(StreamErrorCodes.ProtocolError, frame.Type is FrameType.Request or FrameType.Cancel
                ? $"{frame.Type} on server-opened stream {id}: only the opener sends it (7.2)"
                : $"{frame.Type} on even stream {id}, never opened by the server (7.6)");
            return;
        }
        if (frame.Type == FrameType.Error)
        {
            Fail(StreamErrorCodes.ProtocolError, $"ERROR for client stream {id}: the opener sends CANCEL, not ERROR (7.2)");
            return;
        }
        if (!_live.TryGetValue(id, out var live))
        {
            if (id <= _lastClientId)
            {
                Trace($"{frame.Type} {Rel(id)}: late, ignored (7.6)");
                return;
            }
            Fail(StreamErrorCodes.ProtocolError, $"{frame.Type} on stream {Rel(id)}, above every id opened (7.6)");
            return;
        }
        switch (frame.Type)
        {
            case FrameType.Next:
                Input(live, frame.Payload.ToArray());
                break;
            case FrameType.Complete:
                CompleteInput(live);
                break;
            case FrameType.Cancel:
                Trace($"CANCEL {Rel(id)}: the stream ends, nothing more for it (7.5)");
                DropHeld(live);
                live.Expectation.PrefixOnly = true;
                _live.Remove(id);
                break;
            case FrameType.Request:
                // Sums saturate: at 4 294 967 295 the stream is unbounded (7.4).
                live.Credits = (uint)Math.Min((ulong)live.Credits + frame.Credits, ProtocolConstants.UnboundedCredits);
                live.Unbounded |= live.Credits == ProtocolConstants.UnboundedCredits;
                Trace($"REQUEST {Rel(id)} {frame.Credits}: credits now {live.Credits} (7.4)");
                Release(live);
                break;
        }
    }

    private uint Rel(uint id) => id > _idBase ? id - _idBase : id;

    private void Open(in Frame frame)
    {
        var id = frame.StreamId;
        if (id % 2 == 0)
        {
            Fail(StreamErrorCodes.ProtocolError, $"OPEN from the client with even id {id} (7.1)");
            return;
        }
        if (_live.TryGetValue(id, out var live))
        {
            Trace($"OPEN {Rel(id)} while stream {Rel(id)} is live: it ends with stream_id_in_use (7.1)");
            End(live, StreamErrorCodes.StreamIdInUse);
            return;
        }
        if (id <= _lastClientId)
        {
            Fail(StreamErrorCodes.ProtocolError, $"OPEN reuses stream id {Rel(id)} (7.1: never reused)");
            return;
        }
        _lastClientId = id;
        _expect.HighestId = Math.Max(_expect.HighestId, Rel(id));
        var route = frame.Route ?? "";
        var payload = frame.HasPayload ? frame.Payload.ToArray() : null;
        var stream = new ModelStream(id, new StreamExpectation(Rel(id), route), frame.Credits);
        _expect.Streams[Rel(id)] = stream.Expectation;
        // 7.3 lists the refusals in this order: route_not_found, bad_route_value, unauthorized, forbidden,
        // too_many_streams, invalid_payload, rate_limited. Section 11 makes too_many_streams a limit on the OPEN
        // itself, checked before the route (the server refuses it without looking further).
        if (_live.Count >= _settings.MaxStreams)
        {
            Refuse(stream, StreamErrorCodes.TooManyStreams, $"{_live.Count} streams open, the limit is {_settings.MaxStreams} (11)");
            return;
        }
        var (status, kind, number) = Match(route);
        if (status is not null)
        {
            Refuse(stream, status, $"route \"{route}\" (9)");
            return;
        }
        stream.Kind = kind;
        stream.Number = number;
        stream.Expectation.Asynchronous = kind is RouteKind.Add or RouteKind.Fire;
        switch (kind)
        {
            case RouteKind.Count or RouteKind.Never when payload is not null:
                Refuse(stream, StreamErrorCodes.InvalidPayload, "a payload on a subscription (7.3)");
                return;
            case RouteKind.Add or RouteKind.Fire when payload is null:
                Refuse(stream, StreamErrorCodes.InvalidPayload, "a request without its payload (7.3)");
                return;
        }
        _live[id] = stream;
        Trace($"OPEN {Rel(id)} \"{route}\" ({kind}) credits={frame.Credits}");
        switch (kind)
        {
            case RouteKind.Count:
                for (var i = 0; i < Math.Clamp(number, 0, 100_000) && _live.ContainsKey(id); i++)
                {
                    Emit(stream, $$"""{"i":{{i}}}""");
                }
                if (_live.ContainsKey(id))
                {
                    Complete(stream);
                }
                break;
            case RouteKind.Echo or RouteKind.Unread when payload is not null:
                Input(stream, payload); // a duplex OPEN's payload is its first input item (7.3)
                break;
            case RouteKind.Add:
                if (TryAdd(payload!) is { } sum)
                {
                    Emit(stream, sum.ToString(CultureInfo.InvariantCulture));
                    if (_live.ContainsKey(id))
                    {
                        Complete(stream);
                    }
                }
                else
                {
                    End(stream, StreamErrorCodes.InvalidPayload);
                }
                break;
            case RouteKind.Fire:
                if (ReadSay(payload!).Valid)
                {
                    Complete(stream);
                }
                else
                {
                    End(stream, StreamErrorCodes.InvalidPayload);
                }
                break;
            case RouteKind.Unpredictable:
                stream.Expectation.PrefixOnly = true;
                break;
        }
    }

    private void Refuse(ModelStream stream, string code, string why)
    {
        Trace($"OPEN {Rel(stream.Id)}: refused with {code}: {why}");
        stream.Expectation.Events.Add(StreamEvent.Error(code));
    }

    /// <summary>An input item from the opener (NEXT, or a duplex OPEN's payload).</summary>
    private void Input(ModelStream stream, byte[] payload)
    {
        switch (stream.Kind)
        {
            case RouteKind.Echo:
                if (stream.InputCompleted)
                {
                    Trace($"NEXT {Rel(stream.Id)} after its COMPLETE: invalid_payload (7.3)");
                    End(stream, StreamErrorCodes.InvalidPayload);
                }
                else if (ReadSay(payload) is { Valid: true } say)
                {
                    Emit(stream, Json(w =>
                    {
                        w.WriteStartObject();
                        if (say.Text is null)
                        {
                            w.WriteNull("text");
                        }
                        else
                        {
                            w.WriteString("text", say.Text);
                        }
                        w.WriteNumber("n", stream.Number);
                        w.WriteEndObject();
                    }));
                }
                else
                {
                    Trace($"NEXT {Rel(stream.Id)}: not a FuzzSay: invalid_payload (9)");
                    End(stream, StreamErrorCodes.InvalidPayload);
                }
                break;
            case RouteKind.Unread:
                if (stream.InputCompleted)
                {
                    End(stream, StreamErrorCodes.InvalidPayload);
                }
                else if (++stream.UnreadInputs > _settings.MaxUnreadInput)
                {
                    Trace($"input item {stream.UnreadInputs} for a handler that reads none: rate_limited (7.4)");
                    End(stream, StreamErrorCodes.RateLimited);
                }
                break;
            case RouteKind.Unpredictable:
                break;
            default:
                Trace($"NEXT {Rel(stream.Id)} on a {stream.Kind} stream, which takes no input: invalid_payload (7.3)");
                End(stream, StreamErrorCodes.InvalidPayload);
                break;
        }
    }

    private void CompleteInput(ModelStream stream)
    {
        if (stream.Kind is RouteKind.Echo or RouteKind.Unread)
        {
            if (stream.InputCompleted)
            {
                Trace($"COMPLETE {Rel(stream.Id)} again: nothing");
                return;
            }
            stream.InputCompleted = true;
            if (stream.Kind == RouteKind.Echo)
            {
                Trace($"COMPLETE {Rel(stream.Id)}: the echo's input ends, so does its output (7.3)");
                Complete(stream);
            }
            return;
        }
        Trace($"COMPLETE {Rel(stream.Id)} on a {stream.Kind} stream: ignored (7.2)");
    }

    /// <summary>The responder produces an item: sent within the credits, held beyond (7.4), slow_consumer past the pending limit.</summary>
    private void Emit(ModelStream stream, string payload)
    {
        if (stream.Held.Count == 0 && (stream.Unbounded || stream.Credits > 0))
        {
            if (!stream.Unbounded)
            {
                stream.Credits--;
            }
            stream.Expectation.Events.Add(StreamEvent.Next(payload));
            return;
        }
        stream.Held.Enqueue(StreamEvent.Next(payload));
        stream.HeldBytes += payload.Length;
        _heldBytes += payload.Length;
        if (_heldBytes > _settings.MaxPendingBytes)
        {
            Trace($"stream {Rel(stream.Id)}: {_heldBytes} bytes held for want of credits, over {_settings.MaxPendingBytes}: slow_consumer (7.4)");
            End(stream, StreamErrorCodes.SlowConsumer);
        }
    }

    private void Complete(ModelStream stream)
    {
        if (stream.Held.Count > 0)
        {
            // COMPLETE needs no credit but comes after the items before it (7.4). The stream stays live until it is sent.
            stream.Held.Enqueue(StreamEvent.Complete);
            Trace($"stream {Rel(stream.Id)} completes after its {stream.Held.Count - 1} held items");
            return;
        }
        stream.Expectation.Events.Add(StreamEvent.Complete);
        _live.Remove(stream.Id);
    }

    /// <summary>ERROR(id, code) ends the stream; held items are not sent (an error jumps the queue).</summary>
    private void End(ModelStream stream, string code)
    {
        DropHeld(stream);
        stream.Expectation.Events.Add(StreamEvent.Error(code));
        _live.Remove(stream.Id);
    }

    private void DropHeld(ModelStream stream)
    {
        _heldBytes -= stream.HeldBytes;
        stream.HeldBytes = 0;
        stream.Held.Clear();
    }

    private void Release(ModelStream stream)
    {
        while (stream.Held.Count > 0 && (stream.Held.Peek().IsTerminal || stream.Unbounded || stream.Credits > 0))
        {
            var next = stream.Held.Dequeue();
            stream.Expectation.Events.Add(next);
            if (next.IsTerminal)
            {
                _live.Remove(stream.Id);
                break;
            }
            if (!stream.Unbounded)
            {
                stream.Credits--;
            }
            stream.HeldBytes -= next.Text.Length;
            _heldBytes -= next.Text.Length;
        }
    }

    private void Finish()
    {
        foreach (var stream in _live.Values)
        {
            stream.Expectation.LiveAtEnd = true;
        }
    }

    /// <summary>Route checks of section 9 and the fuzz routes: (error code, or null and the route's kind and number).</summary>
    private (string? Code, RouteKind Kind, int Number) Match(string route)
    {
        if (route.Length == 0 || route.Length > _settings.MaxRouteLength || route.AsSpan().ContainsAnyInRange('\0', '\u001f'))
        {
            return (StreamErrorCodes.BadRouteValue, default, 0);
        }
        var segments = route.Split('/');
        if (segments.Any(s => s.Length == 0) || segments[0] != "fuzz")
        {
            return (StreamErrorCodes.RouteNotFound, default, 0);
        }
        switch (segments.Length)
        {
            case 2:
                return segments[1] switch
                {
                    "add" => (null, RouteKind.Add, 0),
                    "fire" => (null, RouteKind.Fire, 0),
                    "never" => (null, RouteKind.Never, 0),
                    "unread" => (null, RouteKind.Unread, 0),
                    "flood" => (null, RouteKind.Unpredictable, 0),
                    _ => (StreamErrorCodes.RouteNotFound, default, 0),
                };
            case 3 when segments[1] is "count" or "echo":
                return int.TryParse(segments[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                    ? (null, segments[1] == "count" ? RouteKind.Count : RouteKind.Echo, n)
                    : (StreamErrorCodes.BadRouteValue, default, 0);
            case 3 when segments[1] is "feed" or "trim":
                return (null, RouteKind.Unpredictable, 0);
            default:
                return (StreamErrorCodes.RouteNotFound, default, 0);
        }
    }

    /// <summary>
    /// Reads a FuzzSay payload as the generated serializer documents it (Serialization: unknown members skipped, names
    /// matched ignoring case, a missing member defaulted, a null member refused). A JSON <c>null</c> is not a FuzzSay:
    /// "not valid JSON for the stream's message type" (section 9).
    /// </summary>
    private static (bool Valid, string? Text) ReadSay(byte[] payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (false, null);
            }
            string? text = null;
            foreach (var member in document.RootElement.EnumerateObject())
            {
                if (string.Equals(member.Name, "text", StringComparison.OrdinalIgnoreCase))
                {
                    // FuzzSay.Text is a string? : null is a value of the type.
                    if (member.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                    {
                        return (false, null);
                    }
                    text = member.Value.GetString();
                }
            }
            return (true, text);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string that is not valid UTF-8 (JsonDocument checks it when it is read).
            return (false, null);
        }
    }

    private static int? TryAdd(byte[] payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            int a = 0, b = 0;
            foreach (var member in document.RootElement.EnumerateObject())
            {
                var isA = string.Equals(member.Name, "a", StringComparison.OrdinalIgnoreCase);
                if (!isA && !string.Equals(member.Name, "b", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                if (member.Value.ValueKind != JsonValueKind.Number || !member.Value.TryGetInt32(out var value))
                {
                    return null;
                }
                (isA ? ref a : ref b) = value;
            }
            return unchecked(a + b);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private sealed class ModelStream(uint id, StreamExpectation expectation, uint credits)
    {
        public uint Id => id;

        public StreamExpectation Expectation => expectation;

        public RouteKind Kind { get; set; }

        public int Number { get; set; }

        public bool Unbounded { get; set; } = credits == ProtocolConstants.UnboundedCredits;

        public uint Credits { get; set; } = credits;

        public Queue<StreamEvent> Held { get; } = new();

        public long HeldBytes { get; set; }

        public bool InputCompleted { get; set; }

        public int UnreadInputs { get; set; }
    }
}
