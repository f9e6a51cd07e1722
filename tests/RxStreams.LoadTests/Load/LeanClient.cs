using System.Buffers;
using System.Buffers.Binary;
using RxStreams.Protocol;

namespace RxStreams.LoadTests.Load;

/// <summary>Where a lean client's received messages go.</summary>
internal interface IMessageSink
{
    void OnMessage(long seq, long t);
}

/// <summary>Something that publishes the load message (one client, or several in turn).</summary>
internal interface IPublisher
{
    ValueTask PublishAsync(long seq, long t);
}

/// <summary>
/// A protocol-level client that does as little as a client can: connect, handshake, open one stream (or join the
/// group), publish, and for each message received read "seq" and "t" from its JSON. The broadcast, idle, rooms, storm
/// and cross-node workloads use these for all three servers alike, so the load generator costs the same small amount
/// per delivery whichever server it measures, and the server is what saturates. (The echo workload uses the real
/// RxStreams and SignalR client libraries.)
/// </summary>
/// <remarks>
/// Topics: <c>bcast</c>/<c>dbcast</c> (the broadcast channels), <c>storm</c> (the storm's durable channel, RxStreams
/// only) and <c>room/N</c> (chat room N of the rooms workload).
/// </remarks>
internal abstract class LeanClient : IAsyncDisposable, IPublisher
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _sendBuffer = new(256);
    private Task _receiving = Task.CompletedTask;
    private volatile bool _ready;

    /// <summary>The socket of the current connection (a new one after <see cref="ReconnectAsync"/>).</summary>
    protected MiniWebSocket Socket { get; private set; } = new();

    protected IMessageSink? Sink { get; private set; }

    /// <summary>The topic of the one subscription, once opened.</summary>
    protected string? Topic { get; private set; }

    /// <summary>Text (SignalR's JSON protocol) or binary messages.</summary>
    protected virtual bool Text => false;

    /// <summary>Completes when the current connection's receive loop ends (the server closed it, or it broke).</summary>
    public Task Receiving => _receiving;

    public static LeanClient Create(string kind) => kind switch
    {
        "rx" => new RxLeanClient(),
        "signalr" => new SignalRLeanClient(),
        "raw" => new RawLeanClient(),
        _ => throw new ArgumentException($"unknown server kind '{kind}'"),
    };

    /// <summary>The WebSocket path of the server kind.</summary>
    public static string PathOf(string kind) => kind switch
    {
        "rx" => "/rx",
        "signalr" => "/hub",
        _ => "/ws",
    };

    /// <summary>The room number of a <c>room/N</c> topic, or null.</summary>
    protected static int? RoomOf(string topic)
        => topic.StartsWith("room/", StringComparison.Ordinal) ? int.Parse(topic.AsSpan(5), System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>Connects and completes the protocol's handshake.</summary>
    public async Task ConnectAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        await Socket.ConnectAsync(endpoint, cancellationToken);
        await HandshakeAsync(cancellationToken);
        _ready = true;
    }

    /// <summary>
    /// After the connection was lost: a new socket, the handshake again (RxStreams: HELLO with the session of the last
    /// WELCOME), the receive loop, and the subscription reopened (RxStreams: OPEN with the last offset received).
    /// </summary>
    public async Task ReconnectAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        await _receiving.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            _ready = false;
            Socket.Dispose();
            Socket = new MiniWebSocket();
        }
        finally
        {
            _sendLock.Release();
        }
        OnReconnecting();
        await ConnectAsync(endpoint, cancellationToken);
        StartReceiving(Sink ?? throw new InvalidOperationException("the client was never receiving"));
        if (Topic is { } topic)
        {
            await SubscribeAsync(topic);
        }
    }

    /// <summary>Forgets the state of the lost connection (partial records, credits) before a reconnection.</summary>
    protected virtual void OnReconnecting()
    {
    }

    protected abstract Task HandshakeAsync(CancellationToken cancellationToken);

    /// <summary>Receives the next message (during the handshake, before the receive loop runs) and checks it.</summary>
    protected async Task ExpectAsync(MiniWebSocket.MessageHandler check, CancellationToken cancellationToken)
    {
        if (!await Socket.ReceiveAsync(check, cancellationToken))
        {
            throw new IOException("the server closed the connection during the handshake");
        }
    }

    /// <summary>Opens the one stream (subscription) on <paramref name="topic"/>: see the remarks for the topics.</summary>
    public Task SubscribeAsync(string topic)
    {
        Topic = topic;
        return OpenAsync(topic);
    }

    /// <summary>Sends what opens the subscription on <paramref name="topic"/> (again after a reconnection).</summary>
    protected abstract Task OpenAsync(string topic);

    /// <summary>
    /// Prepares to publish to <paramref name="topic"/> (RxStreams opens its duplex publishing stream; a room member
    /// publishes on the room's stream it subscribed with).
    /// </summary>
    public virtual Task StartPublishingAsync(string topic) => Task.CompletedTask;

    public abstract ValueTask PublishAsync(long seq, long t);

    public abstract ValueTask PingAsync();

    /// <summary>Starts the receive loop: each message's seq and t go to <paramref name="sink"/>.</summary>
    public void StartReceiving(IMessageSink sink)
    {
        Sink = sink;
        _receiving = Task.Run(ReceiveLoopAsync);
    }

    protected async ValueTask SendAsync(ReadOnlyMemory<byte> message, bool onlyIfReady = false)
    {
        await _sendLock.WaitAsync();
        try
        {
            if (onlyIfReady && !_ready)
            {
                return; // a ping while reconnecting: nothing may go before the handshake
            }
            await Socket.SendAsync(message, Text);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends what <paramref name="write"/> writes, under the send lock, from a buffer reused for this client.</summary>
    protected async ValueTask SendAsync<TState>(TState state, Action<ArrayBufferWriter<byte>, TState> write, bool onlyIfReady = false)
    {
        await _sendLock.WaitAsync();
        try
        {
            if (onlyIfReady && !_ready)
            {
                return;
            }
            _sendBuffer.ResetWrittenCount();
            write(_sendBuffer, state);
            await Socket.SendAsync(_sendBuffer.WrittenMemory, Text);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        MiniWebSocket.MessageHandler handler = OnMessage;
        try
        {
            while (await Socket.ReceiveAsync(handler))
            {
                await AfterReceiveAsync();
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            _ready = false;
        }
    }

    /// <summary>One received message.</summary>
    protected abstract void OnMessage(ReadOnlySpan<byte> message);

    /// <summary>After the messages of one receive were handled (RxStreams grants credits here).</summary>
    protected virtual ValueTask AfterReceiveAsync() => ValueTask.CompletedTask;

    /// <summary>Cuts the connection without a close handshake.</summary>
    public void Abort() => Socket.Abort();

    public async ValueTask DisposeAsync()
    {
        await Socket.CloseAsync();
        await _receiving.WaitAsync(TimeSpan.FromSeconds(2)).ContinueWith(static _ => { }, TaskScheduler.Default);
        Socket.Dispose();
    }
}

/// <summary>
/// The RxStreams wire protocol: HELLO/WELCOME, OPEN with 1,024 credits and a REQUEST for 512 more every 512 items, as
/// the .NET client does. It keeps the session id of the last WELCOME and the offset of the last item received, and a
/// reconnection resumes with them as docs/protocol.md (8.2) says: HELLO with the session, OPEN with the offset.
/// </summary>
internal sealed class RxLeanClient : LeanClient
{
    private static readonly uint Credits = Environment.GetEnvironmentVariable("RXLOAD_CREDITS") is { } c ? uint.Parse(c, System.Globalization.CultureInfo.InvariantCulture) : 1024;
    private uint _sinceRequest;
    private string _sessionId = "";
    private StreamOffset? _lastOffset;

    /// <summary>WELCOMEs that said RESUMED (the server still knew the session).</summary>
    public int Resumptions { get; private set; }

    /// <summary>ERROR frames received (a stream or the connection ended by the server), and the last one's code.</summary>
    public int Errors { get; private set; }

    public string? LastError { get; private set; }

    protected override async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        await SendAsync(_sessionId, static (w, session) => FrameWriter.WriteHello(w, ProtocolConstants.Version, session));
        Frame? welcome = null;
        await ExpectAsync(message =>
        {
            var sequence = new ReadOnlySequence<byte>(message.ToArray());
            if (FrameReader.TryReadFrame(ref sequence, ProtocolConstants.DefaultMaxFrameSize, out var frame) && frame.Type == FrameType.Welcome)
            {
                welcome = frame;
            }
        }, cancellationToken);
        if (welcome is not { } w)
        {
            throw new IOException("no WELCOME");
        }
        if (w.Resumed)
        {
            Resumptions++;
        }
        _sessionId = w.SessionId ?? "";
    }

    protected override void OnReconnecting() => _sinceRequest = 0;

    /// <summary>OPEN stream 1; after a reconnection, with the last offset received (the items after it come first).</summary>
    protected override Task OpenAsync(string topic)
        => SendAsync((topic, _lastOffset), static (w, s) => FrameWriter.WriteOpen(w, 1, s.topic, s._lastOffset, Credits, default, false)).AsTask();

    /// <summary>A room's stream is duplex (the member publishes on it); the broadcast publishes on its own stream.</summary>
    public override Task StartPublishingAsync(string topic)
        => RoomOf(topic) is not null
            ? Task.CompletedTask
            : SendAsync(topic + "-pub", static (w, route) => FrameWriter.WriteOpen(w, 1, route, null, Credits, default, false)).AsTask();

    public override ValueTask PublishAsync(long seq, long t) => SendAsync((seq, t), static (w, s) =>
    {
        Span<byte> json = stackalloc byte[256];
        var length = Payload.Write(json, s.seq, s.t);
        FrameWriter.WriteNext(w, 1, null, json[..length]);
    });

    public override ValueTask PingAsync() => SendAsync(0, static (w, _) => FrameWriter.WritePing(w), onlyIfReady: true);

    /// <summary>Frames: varint length, type; NEXT: stream id, flags, [offset], payload (docs/protocol.md).</summary>
    protected override void OnMessage(ReadOnlySpan<byte> message)
    {
        while (!message.IsEmpty)
        {
            var framed = message;
            var length = (int)ReadVarint(ref message);
            var frame = message[..length];
            message = message[length..];
            if (frame[0] != (byte)FrameType.Next)
            {
                if (frame[0] == (byte)FrameType.Error)
                {
                    OnError(framed[..(framed.Length - message.Length)]);
                }
                continue;
            }
            frame = frame[1..];
            ReadVarint(ref frame); // stream id
            var flags = frame[0];
            frame = frame[1..];
            if ((flags & 1) != 0)
            {
                var major = ReadVarint(ref frame);
                var minor = ReadVarint(ref frame);
                _lastOffset = new StreamOffset(major, minor);
            }
            _sinceRequest++;
            if (Payload.TryRead(frame, out var seq, out var t))
            {
                Sink?.OnMessage(seq, t);
            }
        }
    }

    /// <summary>An ERROR frame, with its length prefix: the protocol's reader takes it apart (errors are rare, the copy does not matter).</summary>
    private void OnError(ReadOnlySpan<byte> framed)
    {
        Errors++;
        var sequence = new ReadOnlySequence<byte>(framed.ToArray());
        LastError = FrameReader.TryReadFrame(ref sequence, ProtocolConstants.DefaultMaxFrameSize, out var error) ? error.Code : "unreadable";
    }

    private static ulong ReadVarint(ref ReadOnlySpan<byte> span)
    {
        ulong value = 0;
        var shift = 0;
        var i = 0;
        byte b;
        do
        {
            b = span[i++];
            value |= (ulong)(b & 0x7f) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);
        span = span[i..];
        return value;
    }

    protected override async ValueTask AfterReceiveAsync()
    {
        if (_sinceRequest >= Credits / 2)
        {
            var n = _sinceRequest;
            _sinceRequest = 0;
            await SendAsync(n, static (w, n) => FrameWriter.WriteRequest(w, 1, n));
        }
    }
}

/// <summary>SignalR's JSON hub protocol: records ending in 0x1E, invocations without an id (no completion sent back).</summary>
internal sealed class SignalRLeanClient : LeanClient
{
    private const byte RecordSeparator = 0x1e;
    private byte[]? _partial;
    private int _partialLength;

    protected override bool Text => true;

    protected override async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        await SendAsync("{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray());
        string? refused = null;
        await ExpectAsync(message =>
        {
            if (!message.StartsWith("{}\u001e"u8))
            {
                refused = System.Text.Encoding.UTF8.GetString(message);
            }
        }, cancellationToken);
        if (refused is not null)
        {
            throw new IOException("handshake refused: " + refused);
        }
    }

    private byte[] _publishPrefix = "{\"type\":1,\"target\":\"Publish\",\"arguments\":["u8.ToArray();

    /// <summary>The broadcast's group (<c>Subscribe()</c>) or a room's (<c>JoinRoom("N")</c>).</summary>
    protected override Task OpenAsync(string topic)
        => SendAsync(RoomOf(topic) is { } room
            ? System.Text.Encoding.UTF8.GetBytes($"{{\"type\":1,\"target\":\"JoinRoom\",\"arguments\":[\"{room}\"]}}\u001e")
            : "{\"type\":1,\"target\":\"Subscribe\",\"arguments\":[]}\u001e"u8.ToArray()).AsTask();

    /// <summary>A room member publishes with <c>SendToRoom("N", m)</c>, the broadcast's publisher with <c>Publish(m)</c>.</summary>
    public override Task StartPublishingAsync(string topic)
    {
        if (RoomOf(topic) is { } room)
        {
            _publishPrefix = System.Text.Encoding.UTF8.GetBytes($"{{\"type\":1,\"target\":\"SendToRoom\",\"arguments\":[\"{room}\",");
        }
        return Task.CompletedTask;
    }

    protected override void OnReconnecting() => _partialLength = 0;

    public override ValueTask PublishAsync(long seq, long t) => SendAsync((seq, t, _publishPrefix), static (w, s) =>
    {
        var prefix = s._publishPrefix.AsSpan();
        prefix.CopyTo(w.GetSpan(prefix.Length));
        w.Advance(prefix.Length);
        var span = w.GetSpan(256);
        w.Advance(Payload.Write(span, s.seq, s.t));
        "]}\u001e"u8.CopyTo(w.GetSpan(3));
        w.Advance(3);
    });

    public override ValueTask PingAsync() => SendAsync("{\"type\":6}\u001e"u8.ToArray(), onlyIfReady: true);

    protected override void OnMessage(ReadOnlySpan<byte> message)
    {
        if (_partialLength > 0)
        {
            // A record cut across WebSocket messages (rare): join the pieces.
            var joined = new byte[_partialLength + message.Length];
            _partial.AsSpan(0, _partialLength).CopyTo(joined);
            message.CopyTo(joined.AsSpan(_partialLength));
            _partialLength = 0;
            Records(joined);
            return;
        }
        Records(message);
    }

    private void Records(ReadOnlySpan<byte> rest)
    {
        int end;
        while ((end = rest.IndexOf(RecordSeparator)) >= 0)
        {
            var record = rest[..end];
            if (record.StartsWith("{\"type\":1,"u8) && Payload.TryRead(record, out var seq, out var t))
            {
                Sink?.OnMessage(seq, t);
            }
            rest = rest[(end + 1)..];
        }
        if (!rest.IsEmpty)
        {
            _partial = rest.ToArray();
            _partialLength = rest.Length;
        }
    }
}

/// <summary>The ceiling's protocol: a one-byte operation, then the payload; items come back length-prefixed.</summary>
internal sealed class RawLeanClient : LeanClient
{
    protected override Task HandshakeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private int? _room;

    /// <summary><c>01</c> (the broadcast) or <c>05 room</c>.</summary>
    protected override Task OpenAsync(string topic)
    {
        if (RoomOf(topic) is not { } room)
        {
            return SendAsync(new byte[] { Servers.RawServer.Subscribe }).AsTask();
        }
        var message = new byte[5];
        message[0] = Servers.RawServer.JoinRoom;
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(1), room);
        return SendAsync(message).AsTask();
    }

    /// <summary>A room member publishes to its room (<c>06 room payload</c>), the broadcast's publisher with <c>02 payload</c>.</summary>
    public override Task StartPublishingAsync(string topic)
    {
        _room = RoomOf(topic);
        return Task.CompletedTask;
    }

    public override ValueTask PublishAsync(long seq, long t) => _room is { } room
        ? SendAsync((room, seq, t), static (w, s) =>
        {
            var span = w.GetSpan(261);
            span[0] = Servers.RawServer.PublishToRoom;
            BinaryPrimitives.WriteInt32LittleEndian(span[1..], s.room);
            w.Advance(5 + Payload.Write(span[5..], s.seq, s.t));
        })
        : Send(Servers.RawServer.Publish, seq, t);

    public ValueTask EchoAsync(long seq, long t) => Send(Servers.RawServer.Echo, seq, t);

    private ValueTask Send(byte op, long seq, long t) => SendAsync((op, seq, t), static (w, s) =>
    {
        var span = w.GetSpan(257);
        span[0] = s.op;
        w.Advance(1 + Payload.Write(span[1..], s.seq, s.t));
    });

    public override ValueTask PingAsync() => SendAsync(new byte[] { Servers.RawServer.Ping }, onlyIfReady: true);

    protected override void OnMessage(ReadOnlySpan<byte> rest)
    {
        while (!rest.IsEmpty)
        {
            uint length = 0;
            var shift = 0;
            var i = 0;
            byte b;
            do
            {
                b = rest[i++];
                length |= (uint)(b & 0x7f) << shift;
                shift += 7;
            }
            while ((b & 0x80) != 0);
            var item = rest.Slice(i, (int)length);
            if (Payload.TryRead(item, out var seq, out var t))
            {
                Sink?.OnMessage(seq, t);
            }
            rest = rest[(i + (int)length)..];
        }
    }
}
