using System.Buffers;
using System.Net.WebSockets;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RxStreams.Diagnostics;
using RxStreams.Protocol;
using RxStreams.Transport;
using RxStreams.Routing;
using RxStreams.Serialization;
using RxStreams.Servers;

namespace RxStreams.AspNetCore.Connections;

/// <summary>
/// One client connection: handshake, then one loop reading and dispatching frames in order, one loop writing (the
/// <see cref="FrameQueue"/>), keep-alive, and a clean close whoever starts it. Nothing a client sends can throw out
/// of here or touch another connection: bad frames close this connection with a code, bad payloads end one stream.
/// </summary>
internal sealed class StreamConnection : IHostingConnection, IMemoryBudget
{
    private readonly StreamConnectionHandler _handler;
    private readonly HttpContext _http;
    private readonly WebSocket _socket;
    private readonly RxStreamsOptions _options;
    private readonly Dictionary<uint, ServedStream> _streams = [];
    private readonly ConnectionSession _session;
    // Created when first needed: most connections host no server.
    private HostedCallStreams? _hosted;
    private readonly TokenBucket _rate;
    // Small: most connections keep a handful of items or none (an idle connection pays for what it holds).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, object?> _items = new(concurrencyLevel: 1, capacity: 1);
    private byte[]? _receiveBuffer;
    private uint _lastStreamId;
    private long _lastReceivedTimestamp;
    private long _heldBytes;
    private int _closing;
    private int _peerClosed;
    private int _welcomed;
    private int _draining;
    // The drain's barrier: the PINGs sent so far, the PONGs received, and how many PONGs prove that the client has
    // read the move notice (and so that every OPEN it sent before acting on it has arrived).
    private int _pingsSent;
    private int _pongsReceived;
    private int _barrier = int.MaxValue;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private string _closeDescription = "";

    public StreamConnection(StreamConnectionHandler handler, HttpContext http, WebSocket socket)
    {
        _handler = handler;
        _http = http;
        _socket = socket;
        _options = handler.Options;
        ConnectionId = ConnectionIds.New(12);
        _session = new ConnectionSession(handler);
        Outbound = new FrameQueue(socket, _options.MaxFrameSize);
        _rate = new TokenBucket(_options.MaxMessagesPerSecond, _options.MessageBurst, handler.Clock);
        _lastReceivedTimestamp = handler.Clock.GetTimestamp();
    }

    public string ConnectionId { get; }

    public string SessionId => _session.Id;

    public ClaimsPrincipal User => _http.User;

    /// <summary>The connection's session: resolved at the handshake, saved when the connection ends.</summary>
    public ConnectionSession Session => _session;

    public FrameQueue Outbound { get; }

    public ILogger Logger => _handler.Logger;

    /// <summary>The handler that accepted this connection: routes, authorizer, scopes, clock, session store.</summary>
    public StreamConnectionHandler Handler => _handler;

    /// <summary>The HTTP request that was upgraded (authorization policies read it).</summary>
    public HttpContext Http => _http;

    /// <summary>What handlers keep for the connection's lifetime (<see cref="StreamContext.ConnectionItems"/>).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, object?> Items => _items;

    public RxStreamsOptions Options => _options;

    /// <summary>The open streams by id; lock it to read or change it.</summary>
    public Dictionary<uint, ServedStream> Streams => _streams;

    /// <summary>The highest stream id the client opened (ids rise and are never reused).</summary>
    public uint LastStreamId
    {
        get => _lastStreamId;
        set => _lastStreamId = value;
    }

    /// <summary>The streams the server opened to a server this client hosts, or null while there are none.</summary>
    public HostedCallStreams? Hosted => Volatile.Read(ref _hosted);

    public int MaxFrameSize => _options.MaxFrameSize;

    public long MaxPendingBytes => _options.MaxPendingBytesPerConnection;

    public int MaxUnreadInputMessages => _options.MaxUnreadInputMessages;

    public long TotalPendingBytes => Outbound.PendingBytes + Volatile.Read(ref _heldBytes);

    /// <summary>The streams open now (for tests and diagnostics).</summary>
    public int StreamCount
    {
        get
        {
            lock (_streams)
            {
                return _streams.Count;
            }
        }
    }

    public async Task RunAsync()
    {
        RxStreamsMetrics.Connections.Add(1);
        RxStreamsHostLog.Connected(Logger, ConnectionId, _http.Connection.RemoteIpAddress?.ToString() ?? "?");
        var writer = WriteAsync();
        try
        {
            if (await ConnectionHandshake.RunAsync(this).ConfigureAwait(false))
            {
                Volatile.Write(ref _welcomed, 1);
                // The read loop, here rather than in a method of its own: an idle connection keeps one async state
                // machine less.
                while (Volatile.Read(ref _closing) == 0)
                {
                    if (await ReceiveMessageAsync().ConfigureAwait(false) is not { } message)
                    {
                        break; // the client closed, or sent a message that closes the connection
                    }
                    FrameDispatcher.Dispatch(this, message);
                    // Whatever the frames of this message made the server queue (answers to PING, refusals of OPEN,
                    // relayed input for a hosted server) counts against the pending limit like the streams' items do.
                    CheckPending();
                }
                await DrainUntilClientClosesAsync().ConfigureAwait(false);
            }

        }
        catch (WebSocketException e)
        {
            RxStreamsHostLog.ConnectionLost(Logger, ConnectionId, e.Message);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            // A bug of ours: close this connection only.
            RxStreamsHostLog.ConnectionFailed(Logger, ConnectionId, e);
            Close(StreamErrorCodes.HandlerError, "The server failed unexpectedly.", WebSocketCloseStatus.InternalServerError);
        }
        finally
        {
            Interlocked.Exchange(ref _closing, 1);
            CancelAllStreams();
            Outbound.Complete();
            await AwaitQuietly(writer).ConfigureAwait(false);
            if (_socket.State is not (WebSocketState.Closed or WebSocketState.Aborted))
            {
                _socket.Abort();
            }
            await _session.SaveAsync().ConfigureAwait(false);
            ReleaseReceiveBuffer();
            RxStreamsMetrics.Connections.Add(-1);
            RxStreamsHostLog.Disconnected(Logger, ConnectionId, Outbound.FramesSent);
        }
    }

    private async Task AwaitQuietly(Task task)
    {
        try
        {
            await task.WaitAsync(_options.CloseTimeout, _handler.Clock).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The socket is going away; whatever failed here has been logged where it happened.
        }
    }

    // ---- Writing ----

    private async Task WriteAsync()
    {
        try
        {
            await Outbound.RunAsync(CancellationToken.None).ConfigureAwait(false);
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                // Everything queued went out (a closing ERROR frame included): now the close handshake.
                using var timeout = new CancellationTokenSource(_options.CloseTimeout, _handler.Clock);
                await _socket.CloseOutputAsync(_closeStatus, _closeDescription, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The socket is of no use any more; aborting it also ends a reader waiting on it.
            RxStreamsHostLog.ConnectionLost(Logger, ConnectionId, e.Message);
            _socket.Abort();
        }
    }

    public void EnqueueNext(uint streamId, StreamOffset? offset, ReadOnlySpan<byte> payload)
        => Outbound.Enqueue(new NextFrame(streamId, offset, payload), static (output, s) => FrameWriter.WriteNext(output, s.StreamId, s.Offset, s.Payload));

    /// <summary>Queues a NEXT frame of <paramref name="stream"/>, unless it ended (see <see cref="OutboundStream"/>).</summary>
    public void EnqueueNext(ServedStream stream, StreamOffset? offset, ReadOnlySpan<byte> payload)
        => Outbound.Enqueue(new NextFrame(stream.Id, offset, payload), static (output, s) => FrameWriter.WriteNext(output, s.StreamId, s.Offset, s.Payload), stream, offset);

    private readonly ref struct NextFrame(uint streamId, StreamOffset? offset, ReadOnlySpan<byte> payload)
    {
        public uint StreamId { get; } = streamId;

        public StreamOffset? Offset { get; } = offset;

        public ReadOnlySpan<byte> Payload { get; } = payload;
    }

    public void EnqueueComplete(uint streamId)
        => Outbound.Enqueue(streamId, static (output, id) => FrameWriter.WriteComplete(output, id));

    public void EnqueueError(uint streamId, string code, string message, StreamOffset? offset)
        => Outbound.Enqueue((streamId, code, message, offset), static (output, s) => FrameWriter.WriteError(output, s.streamId, s.code, s.message, s.offset));

    public void AddHeldBytes(long bytes) => Interlocked.Add(ref _heldBytes, bytes);

    /// <summary>Counts <paramref name="bytes"/> more as held unless the connection's total would pass <paramref name="limit"/>.</summary>
    public bool TryHold(long bytes, long limit)
    {
        var held = Interlocked.Add(ref _heldBytes, bytes);
        if (Outbound.PendingBytes + held > limit)
        {
            Interlocked.Add(ref _heldBytes, -bytes);
            return false;
        }
        return true;
    }

    bool IMemoryBudget.TryHold(long bytes) => TryHold(bytes, _options.MaxPendingBytesPerConnection);

    void IMemoryBudget.Release(long bytes) => AddHeldBytes(-bytes);

    /// <summary>When the socket itself cannot keep up (the queue is over the limit), the connection ends with <c>slow_consumer</c>.</summary>
    public void CheckPending()
    {
        if (Outbound.PendingBytes > _options.MaxPendingBytesPerConnection)
        {
            _handler.CountDrop();
            RxStreamsHostLog.SlowConsumerConnection(Logger, ConnectionId, Outbound.PendingBytes);
            Close(StreamErrorCodes.SlowConsumer,
                $"The client read too slowly: more than {_options.MaxPendingBytesPerConnection} bytes were waiting for it.",
                WebSocketCloseStatus.PolicyViolation, discardPending: true);
        }
    }

    /// <summary>
    /// Ends the connection: an ERROR frame for the whole connection, then the close handshake. With
    /// <paramref name="discardPending"/> what was queued is dropped first (the client is not reading it anyway).
    /// </summary>
    public void Close(string code, string message, WebSocketCloseStatus status, bool discardPending = false)
        => Close(code, message, status, discardPending, sendError: true);

    private void Close(string code, string message, WebSocketCloseStatus status, bool discardPending, bool sendError)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }
        _closeStatus = status;
        _closeDescription = code;
        if (!sendError)
        {
            Outbound.Complete();
        }
        else if (discardPending)
        {
            Outbound.DiscardAndEnqueueLast((code, message), static (output, s) => FrameWriter.WriteError(output, 0, s.code, s.message));
        }
        else
        {
            Outbound.Enqueue((code, message), static (output, s) => FrameWriter.WriteError(output, 0, s.code, s.message));
            Outbound.Complete();
        }
        CancelAllStreams();
        // A client that never answers the close handshake is cut off.
        _ = AbortLaterAsync();
    }

    private async Task AbortLaterAsync()
    {
        await Task.Delay(_options.CloseTimeout, _handler.Clock).ConfigureAwait(false);
        if (_socket.State is not (WebSocketState.Closed or WebSocketState.Aborted))
        {
            _socket.Abort();
        }
    }

    // ---- Reading ----

    /// <summary>
    /// We are closing: read and discard whatever the client still sends (the rest of an oversized message included)
    /// until it answers our close, so the close handshake completes and the ERROR frame we sent is not lost to a
    /// reset. A client that never answers is cut off by the abort timer (<see cref="RxStreamsOptions.CloseTimeout"/>).
    /// </summary>
    public async Task DrainUntilClientClosesAsync()
    {
        if (Volatile.Read(ref _peerClosed) != 0)
        {
            return;
        }
        ReleaseReceiveBuffer();
        while (_socket.State is WebSocketState.Open or WebSocketState.CloseSent)
        {
            var result = await _socket.ReceiveAsync(s_discard, CancellationToken.None).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                Interlocked.Exchange(ref _peerClosed, 1);
                return;
            }
        }
    }

    /// <summary>Where a closing connection's unread input goes: shared, since nobody reads it.</summary>
    private static readonly Memory<byte> s_discard = new byte[4096];

    /// <summary>
    /// One WebSocket message, or null when the peer closed (or we are done with it). The message lives in a buffer
    /// rented for it: it is valid until the next call. An idle connection holds no receive buffer: it waits for data
    /// with a zero-byte read and rents one only when a message starts arriving.
    /// </summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ReadOnlySequence<byte>?> ReceiveMessageAsync()
    {
        ReleaseReceiveBuffer();
        var max = _options.MaxFrameSize;
        // No cancellation token: cancelling a receive aborts the socket before a closing ERROR frame could go
        // out. When we close and the client does not answer, the abort timer ends this receive.
        var first = await _socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
        if (first.MessageType != WebSocketMessageType.Close && first.EndOfMessage)
        {
            // A message with no payload at all.
            Volatile.Write(ref _lastReceivedTimestamp, _handler.Clock.GetTimestamp());
            return first.MessageType == WebSocketMessageType.Text ? RefuseText() : ReadOnlySequence<byte>.Empty;
        }
        var buffer = _receiveBuffer = ArrayPool<byte>.Shared.Rent(4096);
        var count = 0;
        while (true)
        {
            if (count == buffer.Length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, max + 1));
                buffer.AsSpan(0, count).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = _receiveBuffer = bigger;
            }
            var result = first.MessageType == WebSocketMessageType.Close
                ? first
                : await _socket.ReceiveAsync(buffer.AsMemory(count, Math.Min(buffer.Length, max + 1) - count), CancellationToken.None).ConfigureAwait(false);
            Volatile.Write(ref _lastReceivedTimestamp, _handler.Clock.GetTimestamp());
            if (result.MessageType == WebSocketMessageType.Close)
            {
                Interlocked.Exchange(ref _peerClosed, 1);
                if (Volatile.Read(ref _closing) == 0)
                {
                    // The client closes: answer and go.
                    Interlocked.Exchange(ref _closing, 1);
                    _closeStatus = WebSocketCloseStatus.NormalClosure;
                    Outbound.Complete();
                }
                return null;
            }
            count += result.Count;
            if (count > max)
            {
                _handler.CountDrop();
                Close(StreamErrorCodes.FrameTooLarge, $"A message of more than {max} bytes was sent; the limit is {max}.", WebSocketCloseStatus.MessageTooBig);
                return null;
            }
            if (result.MessageType == WebSocketMessageType.Text)
            {
                return RefuseText();
            }
            if (result.EndOfMessage)
            {
                RxStreamsMetrics.BytesIn.Add(count);
                return new ReadOnlySequence<byte>(buffer, 0, count);
            }
        }
    }

    private ReadOnlySequence<byte>? RefuseText()
    {
        Close(StreamErrorCodes.ProtocolError, "RxStreams frames travel in binary WebSocket messages, not text.", WebSocketCloseStatus.ProtocolError);
        return null;
    }

    private void ReleaseReceiveBuffer()
    {
        if (_receiveBuffer is { } buffer)
        {
            _receiveBuffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads one frame; on a protocol violation the connection closes with its code and this is false.</summary>
    public bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out Frame frame)
    {
        try
        {
            if (FrameReader.TryReadFrame(ref buffer, _options.MaxFrameSize, out frame))
            {
                RxStreamsMetrics.FramesIn.Add(1);
                return true;
            }
            return false;
        }
        catch (ProtocolException e)
        {
            RxStreamsHostLog.ProtocolViolation(Logger, ConnectionId, e.Message);
            Close(e.Code, e.Message, e.Code == StreamErrorCodes.FrameTooLarge ? WebSocketCloseStatus.MessageTooBig : WebSocketCloseStatus.ProtocolError);
            frame = default;
            return false;
        }
    }

    /// <summary>Takes one message from the connection's rate; false (and a drop counted) when it is spent.</summary>
    public bool TakeRate()
    {
        if (_rate.TryTake())
        {
            return true;
        }
        _handler.CountDrop();
        return false;
    }

    /// <summary>What the client is told about an exception that ends a stream (see <see cref="StreamErrorMapper"/>).</summary>
    public (string Code, string Message, StreamOffset? Offset) Describe(Exception error, ServedStream stream)
        => StreamErrorMapper.Describe(error, stream, _options, Logger, ConnectionId);

    public void RemoveStream(ServedStream stream)
    {
        lock (_streams)
        {
            if (_streams.TryGetValue(stream.Id, out var current) && ReferenceEquals(current, stream))
            {
                _streams.Remove(stream.Id);
                if (stream.Endpoint.IsResumable && stream.LastOffset is { } offset)
                {
                    _session.RememberOffset(stream.Route, offset);
                }
            }
        }
        if (Volatile.Read(ref _draining) != 0)
        {
            CloseIfDrained();
        }
    }

    private void CancelAllStreams()
    {
        ServedStream[] streams;
        lock (_streams)
        {
            streams = [.. _streams.Values];
        }
        foreach (var stream in streams)
        {
            stream.Cancel();
        }
        Volatile.Read(ref _hosted)?.EndAll();
    }

    // ---- Streams the server opens to the client (servers it hosts): see HostedCallStreams ----

    public IHostedCallHandle OpenHostedCall(string route, IHostedCallCallbacks callbacks)
        => LazyInitializer.EnsureInitialized(ref _hosted, () => new HostedCallStreams(this, _options)).Open(route, callbacks);

    // ---- Keep-alive ----

    /// <summary>
    /// The handler's heartbeat (every <see cref="RxStreamsOptions.KeepAliveInterval"/>): a client silent for longer
    /// than <see cref="RxStreamsOptions.ClientTimeout"/> is closed with <c>keepalive_timeout</c>; others get a PING.
    /// </summary>
    public void OnKeepAliveTick()
    {
        if (Volatile.Read(ref _welcomed) == 0 || IsClosing)
        {
            return;
        }
        if (_handler.Clock.GetElapsedTime(Volatile.Read(ref _lastReceivedTimestamp)) > _options.ClientTimeout)
        {
            RxStreamsHostLog.KeepAliveTimedOut(Logger, ConnectionId);
            Close(StreamErrorCodes.KeepaliveTimeout, $"Nothing was received for {_options.ClientTimeout.TotalSeconds:0.#} seconds.", WebSocketCloseStatus.PolicyViolation);
            return;
        }
        Outbound.TrimIdleBuffers();
        Interlocked.Increment(ref _pingsSent);
        Outbound.EnqueueEncoded(s_ping);
    }

    private static readonly ReadOnlyMemory<byte> s_ping = Encoded(static output => FrameWriter.WritePing(output));

    private static byte[] Encoded(Action<IBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>(8);
        write(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>True once the connection is closing, whoever started it.</summary>
    public bool IsClosing => Volatile.Read(ref _closing) != 0;

    /// <summary>Cuts the connection as a network failure would (tests of reconnection).</summary>
    internal void AbortForTests()
    {
        _socket.Abort();
        _http.Abort();
    }

    /// <summary>
    /// The host is draining: tell the client to move (<c>ERROR(0, server_shutting_down)</c>: it reconnects at once, to
    /// another node, and opens nothing more here), keep serving, and close (1001) once the client has read the notice
    /// and no request is in flight (<see cref="CloseIfDrained"/>). A connection still in its handshake is closed at once.
    /// </summary>
    public void Drain()
    {
        if (Volatile.Read(ref _welcomed) == 0)
        {
            Shutdown();
            return;
        }
        if (IsClosing || Volatile.Read(ref _barrier) != int.MaxValue)
        {
            return;
        }
        // The notice, then a PING: its PONG comes back after everything the client sent before it read the notice.
        // (Every PING on the wire before the notice was counted before this one, so the count reached here is only
        // complete once a PONG to a PING after the notice came back.)
        Outbound.Enqueue(0, static (output, _) => FrameWriter.WriteError(output, 0, StreamErrorCodes.ServerShuttingDown, MoveMessage));
        Volatile.Write(ref _barrier, Interlocked.Increment(ref _pingsSent));
        Outbound.EnqueueEncoded(s_ping);
        Interlocked.Exchange(ref _draining, 1);
        CloseIfDrained();
    }

    /// <summary>The client answered a PING: while draining, that may be the barrier the close waits for.</summary>
    public void OnPong()
    {
        Interlocked.Increment(ref _pongsReceived);
        if (Volatile.Read(ref _draining) != 0)
        {
            CloseIfDrained();
        }
    }

    private const string MoveMessage = "This node is shutting down: reconnect now, to another node.";

    /// <summary>
    /// Closes a draining connection once the client has read the move notice (the PONG to the PING sent after it came
    /// back: a client that follows protocol 6.5 opens nothing after it) and every request in flight (request/response,
    /// fire-and-forget) has been answered.
    /// </summary>
    private void CloseIfDrained()
    {
        if (Volatile.Read(ref _pongsReceived) < Volatile.Read(ref _barrier))
        {
            return;
        }
        lock (_streams)
        {
            foreach (var stream in _streams.Values)
            {
                if (stream.Endpoint.Interaction is StreamInteraction.RequestResponse or StreamInteraction.FireAndForget)
                {
                    return;
                }
            }
        }
        // The client was told why in the ERROR frame Drain sent; the close carries the code as its reason.
        Close(StreamErrorCodes.ServerShuttingDown, MoveMessage, WebSocketCloseStatus.EndpointUnavailable, discardPending: false, sendError: false);
    }

    /// <summary>The host is stopping: tell the client (it reconnects, to another node if there is one) and close.</summary>
    public void Shutdown() => Close(StreamErrorCodes.ServerShuttingDown, "The server is shutting down; reconnect.", WebSocketCloseStatus.EndpointUnavailable);
}
