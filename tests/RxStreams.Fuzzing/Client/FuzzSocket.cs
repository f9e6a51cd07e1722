using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using RxStreams.Fuzzing.Wire;
using RxStreams.Protocol;

namespace RxStreams.Fuzzing.Client;

/// <summary>
/// A WebSocket that sends exactly the bytes it is given (binary or text, in as many WebSocket fragments as asked) and
/// records everything the server sends: frames, its close (status and reason) or an abort. It checks the server's own
/// messages against the protocol too: a message larger than the announced maximum or one that does not decode is
/// recorded as a <see cref="IncomingKind.Violation"/>. It answers the server's close so the close handshake completes.
/// </summary>
public sealed class FuzzSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<Incoming> _incoming = Channel.CreateUnbounded<Incoming>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly int _maxFrameSize;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private Task _reader = Task.CompletedTask;
    private volatile bool _paused;
    private TaskCompletionSource _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FuzzSocket(ClientWebSocket socket, int maxFrameSize)
    {
        _socket = socket;
        _maxFrameSize = maxFrameSize;
    }

    /// <summary>Completes when the reader has seen the end of the connection (a close, an abort).</summary>
    public Task Closed => _reader;

    /// <summary>True once the server closed or the socket broke.</summary>
    public bool IsClosed => _reader.IsCompleted;

    public static async Task<FuzzSocket> ConnectAsync(Uri endpoint, int maxFrameSize, bool startReading = true, CancellationToken cancellationToken = default)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var fuzz = new FuzzSocket(socket, maxFrameSize);
        if (startReading)
        {
            fuzz.StartReading();
        }
        return fuzz;
    }

    /// <summary>Starts the reader (for a socket connected with <c>startReading: false</c>, a client that did not read at first).</summary>
    public void StartReading()
    {
        if (_reader.IsCompleted && _reader == Task.CompletedTask)
        {
            _reader = Task.Run(ReadAsync);
        }
    }

    /// <summary>Stops taking messages off the socket (the server's sends back up) until <see cref="ResumeReading"/>.</summary>
    public void PauseReading() => _paused = true;

    public void ResumeReading()
    {
        _paused = false;
        _resume.TrySetResult();
    }

    /// <summary>Sends one WebSocket message, split into <paramref name="fragments"/> WebSocket frames.</summary>
    public async Task SendAsync(RenderedMessage message, CancellationToken cancellationToken = default)
    {
        var type = message.Kind == MessageKind.Text ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
        var bytes = message.Bytes;
        var fragments = Math.Clamp(message.Fragments, 1, Math.Max(1, bytes.Length));
        var at = 0;
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var i = 0; i < fragments; i++)
            {
                var size = i == fragments - 1 ? bytes.Length - at : bytes.Length / fragments;
                await _socket.SendAsync(bytes.AsMemory(at, size), type, i == fragments - 1, cancellationToken).ConfigureAwait(false);
                at += size;
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Answers the server's keepalive PING, as every client does (6.4), so a connection kept for many sequences stays up.</summary>
    private async Task PongAsync()
    {
        try
        {
            await SendAsync(new RenderedMessage(MessageKind.Binary, [1, (byte)FrameType.Pong]), _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException or InvalidOperationException)
        {
        }
    }

    /// <summary>Sends the first part of a message and never the rest (an abandoned handshake).</summary>
    public Task SendPartialAsync(byte[] bytes, CancellationToken cancellationToken = default)
        => _socket.SendAsync(bytes, WebSocketMessageType.Binary, false, cancellationToken);

    /// <summary>The next thing received, or null when nothing came within <paramref name="timeout"/> or the connection ended and everything was read.</summary>
    public async Task<Incoming?> ReceiveAsync(TimeSpan timeout)
    {
        if (_incoming.Reader.TryRead(out var ready))
        {
            return ready;
        }
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await _incoming.Reader.ReadAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>Something received now, if any.</summary>
    public bool TryReceive(out Incoming incoming) => _incoming.Reader.TryRead(out incoming!);

    /// <summary>Cuts the TCP connection without a close handshake.</summary>
    public void Abort() => _socket.Abort();

    private async Task ReadAsync()
    {
        // Room for the largest message the server may send and then some, to see one that is too large.
        var buffer = ArrayPool<byte>.Shared.Rent(_maxFrameSize + 1024);
        try
        {
            while (true)
            {
                if (_paused)
                {
                    await _resume.Task.WaitAsync(_stop.Token).ConfigureAwait(false);
                    _resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                var count = 0;
                var tooLarge = false;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (count == buffer.Length)
                    {
                        tooLarge = true;
                        count = 0; // keep reading to the end of the message, counting nothing more
                    }
                    result = await _socket.ReceiveAsync(buffer.AsMemory(count), _stop.Token).ConfigureAwait(false);
                    count += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _incoming.Writer.TryWrite(new Incoming { Kind = IncomingKind.Closed, CloseStatus = _socket.CloseStatus, CloseDescription = _socket.CloseStatusDescription });
                    try
                    {
                        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
                    {
                    }
                    return;
                }
                if (result.MessageType == WebSocketMessageType.Text)
                {
                    _incoming.Writer.TryWrite(new Incoming { Kind = IncomingKind.Violation, Violation = "the server sent a text message" });
                    continue;
                }
                if (tooLarge || count > _maxFrameSize)
                {
                    _incoming.Writer.TryWrite(new Incoming { Kind = IncomingKind.Violation, Violation = $"the server sent a message of more than {_maxFrameSize} bytes, its own maximum" });
                    continue;
                }
                var sequence = new ReadOnlySequence<byte>(buffer, 0, count);
                if (count == 0)
                {
                    _incoming.Writer.TryWrite(new Incoming { Kind = IncomingKind.Violation, Violation = "the server sent an empty message" });
                    continue;
                }
                try
                {
                    while (FrameReader.TryReadFrame(ref sequence, int.MaxValue, out var frame))
                    {
                        if (frame.Type == FrameType.Ping)
                        {
                            _ = PongAsync();
                        }
                        _incoming.Writer.TryWrite(Incoming.From(frame));
                    }
                }
                catch (ProtocolException e)
                {
                    _incoming.Writer.TryWrite(new Incoming { Kind = IncomingKind.Violation, Violation = "the server sent a malformed message: " + e.Message });
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            if (!_stop.IsCancellationRequested)
            {
                _incoming.Writer.TryWrite(new Incoming { Kind = IncomingKind.Aborted });
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _incoming.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Abort();
        try
        {
            await _reader.ConfigureAwait(false);
        }
        catch (Exception)
        {
        }
        _socket.Dispose();
        _stop.Dispose();
    }
}
