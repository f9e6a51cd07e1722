using System.Buffers;
using RxStreams.Protocol;

namespace RxStreams.LoadTests.Load;

/// <summary>Where a lean client's received messages go.</summary>
internal interface IMessageSink
{
    void OnMessage(long seq, long t);
}

/// <summary>
/// A protocol-level client that does as little as a client can: connect, handshake, open one stream (or join the
/// group), publish, and for each message received read "seq" and "t" from its JSON. The broadcast, idle and
/// cross-node workloads use these for all three servers alike, so the load generator costs the same small amount per
/// delivery whichever server it measures, and the server is what saturates. (The echo workload uses the real
/// RxStreams and SignalR client libraries.)
/// </summary>
internal abstract class LeanClient : IAsyncDisposable
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _sendBuffer = new(256);
    private Task _receiving = Task.CompletedTask;

    protected MiniWebSocket Socket { get; } = new();

    protected IMessageSink? Sink { get; private set; }

    /// <summary>Text (SignalR's JSON protocol) or binary messages.</summary>
    protected virtual bool Text => false;

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

    /// <summary>Connects and completes the protocol's handshake.</summary>
    public async Task ConnectAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        await Socket.ConnectAsync(endpoint, cancellationToken);
        await HandshakeAsync(cancellationToken);
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

    /// <summary>Opens the one stream (subscription) on <paramref name="topic"/> ("bcast" or "dbcast").</summary>
    public abstract Task SubscribeAsync(string topic);

    /// <summary>Prepares to publish to <paramref name="topic"/> (RxStreams opens its duplex publishing stream).</summary>
    public virtual Task StartPublishingAsync(string topic) => Task.CompletedTask;

    public abstract ValueTask PublishAsync(long seq, long t);

    public abstract ValueTask PingAsync();

    /// <summary>Starts the receive loop: each message's seq and t go to <paramref name="sink"/>.</summary>
    public void StartReceiving(IMessageSink sink)
    {
        Sink = sink;
        _receiving = Task.Run(ReceiveLoopAsync);
    }

    protected async ValueTask SendAsync(ReadOnlyMemory<byte> message)
    {
        await _sendLock.WaitAsync();
        try
        {
            await Socket.SendAsync(message, Text);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends what <paramref name="write"/> writes, under the send lock, from a buffer reused for this client.</summary>
    protected async ValueTask SendAsync<TState>(TState state, Action<ArrayBufferWriter<byte>, TState> write)
    {
        await _sendLock.WaitAsync();
        try
        {
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

/// <summary>The RxStreams wire protocol: HELLO/WELCOME, OPEN with 1,024 credits and a REQUEST for 512 more every 512 items, as the .NET client does.</summary>
internal sealed class RxLeanClient : LeanClient
{
    private static readonly uint Credits = Environment.GetEnvironmentVariable("RXLOAD_CREDITS") is { } c ? uint.Parse(c, System.Globalization.CultureInfo.InvariantCulture) : 1024;
    private uint _sinceRequest;

    protected override async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        await SendAsync(0, static (w, _) => FrameWriter.WriteHello(w, ProtocolConstants.Version, ""));
        var welcome = false;
        await ExpectAsync(message =>
        {
            var sequence = new ReadOnlySequence<byte>(message.ToArray());
            welcome = FrameReader.TryReadFrame(ref sequence, ProtocolConstants.DefaultMaxFrameSize, out var frame) && frame.Type == FrameType.Welcome;
        }, cancellationToken);
        if (!welcome)
        {
            throw new IOException("no WELCOME");
        }
    }

    public override Task SubscribeAsync(string topic)
        => SendAsync(topic, static (w, route) => FrameWriter.WriteOpen(w, 1, route, null, Credits, default, false)).AsTask();

    public override Task StartPublishingAsync(string topic)
        => SendAsync(topic + "-pub", static (w, route) => FrameWriter.WriteOpen(w, 1, route, null, Credits, default, false)).AsTask();

    public override ValueTask PublishAsync(long seq, long t) => SendAsync((seq, t), static (w, s) =>
    {
        Span<byte> json = stackalloc byte[256];
        var length = Payload.Write(json, s.seq, s.t);
        FrameWriter.WriteNext(w, 1, null, json[..length]);
    });

    public override ValueTask PingAsync() => SendAsync(0, static (w, _) => FrameWriter.WritePing(w));

    /// <summary>Frames: varint length, type; NEXT: stream id, flags, [offset], payload (docs/protocol.md).</summary>
    protected override void OnMessage(ReadOnlySpan<byte> message)
    {
        while (!message.IsEmpty)
        {
            var length = (int)ReadVarint(ref message);
            var frame = message[..length];
            message = message[length..];
            if (frame[0] != (byte)FrameType.Next)
            {
                continue;
            }
            frame = frame[1..];
            ReadVarint(ref frame); // stream id
            var flags = frame[0];
            frame = frame[1..];
            if ((flags & 1) != 0)
            {
                ReadVarint(ref frame);
                ReadVarint(ref frame);
            }
            _sinceRequest++;
            if (Payload.TryRead(frame, out var seq, out var t))
            {
                Sink?.OnMessage(seq, t);
            }
        }
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

    public override Task SubscribeAsync(string topic)
        => SendAsync("{\"type\":1,\"target\":\"Subscribe\",\"arguments\":[]}\u001e"u8.ToArray()).AsTask();

    public override ValueTask PublishAsync(long seq, long t) => SendAsync((seq, t), static (w, s) =>
    {
        var prefix = "{\"type\":1,\"target\":\"Publish\",\"arguments\":["u8;
        prefix.CopyTo(w.GetSpan(prefix.Length));
        w.Advance(prefix.Length);
        var span = w.GetSpan(256);
        w.Advance(Payload.Write(span, s.seq, s.t));
        "]}\u001e"u8.CopyTo(w.GetSpan(3));
        w.Advance(3);
    });

    public override ValueTask PingAsync() => SendAsync("{\"type\":6}\u001e"u8.ToArray());

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

    public override Task SubscribeAsync(string topic) => SendAsync(new byte[] { Servers.RawServer.Subscribe }).AsTask();

    public override ValueTask PublishAsync(long seq, long t) => Send(Servers.RawServer.Publish, seq, t);

    public ValueTask EchoAsync(long seq, long t) => Send(Servers.RawServer.Echo, seq, t);

    private ValueTask Send(byte op, long seq, long t) => SendAsync((op, seq, t), static (w, s) =>
    {
        var span = w.GetSpan(257);
        span[0] = s.op;
        w.Advance(1 + Payload.Write(span[1..], s.seq, s.t));
    });

    public override ValueTask PingAsync() => SendAsync(new byte[] { Servers.RawServer.Ping });

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
