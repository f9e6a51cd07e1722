using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using RxStreams.Protocol;

namespace RxStreams.Testing;

/// <summary>
/// A protocol-level client for tests that need exact control of frames: credits, malformed input, stopping reading.
/// Received frames are copied into <see cref="ReceivedFrame"/> records.
/// </summary>
public sealed class RawClient : IAsyncDisposable
{
    private readonly WebSocket _socket;
    private readonly Channel<ReceivedFrame> _frames = Channel.CreateUnbounded<ReceivedFrame>();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private Task _reader = Task.CompletedTask;
    private volatile bool _paused;
    private TaskCompletionSource _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RawClient(WebSocket socket) => _socket = socket;

    private long _messages;

    /// <summary>WebSocket messages received so far (each may carry several frames).</summary>
    public long MessagesReceived => Interlocked.Read(ref _messages);

    /// <summary>The close status the server sent, once it closed.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>The reason the server gave in its close frame, once closed.</summary>
    public string? CloseStatusDescription => _socket.CloseStatusDescription;

    /// <summary>The session id from WELCOME.</summary>
    public string SessionId { get; private set; } = "";

    /// <summary>Connects; with <paramref name="hello"/> it also does the handshake.</summary>
    public static async Task<RawClient> ConnectAsync(Uri endpoint, bool hello = true, string? origin = null, string sessionId = "", IDictionary<string, string>? headers = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            socket.Options.SetRequestHeader(name, value);
        }
        try
        {
            await socket.ConnectAsync(endpoint, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return await StartAsync(socket, hello, sessionId).ConfigureAwait(false);
    }

    /// <summary>Wraps a connected WebSocket (e.g. from a TestServer); with <paramref name="hello"/> it also does the handshake.</summary>
    public static async Task<RawClient> StartAsync(WebSocket socket, bool hello = true, string sessionId = "")
    {
        var client = new RawClient(socket);
        client._reader = client.ReadAsync();
        if (hello)
        {
            await client.SendAsync(w => FrameWriter.WriteHello(w, ProtocolConstants.Version, sessionId)).ConfigureAwait(false);
            var welcome = await client.ReceiveAsync().ConfigureAwait(false);
            if (welcome.Type != FrameType.Welcome)
            {
                throw new InvalidOperationException($"Expected WELCOME, got {welcome}.");
            }
            client.SessionId = welcome.SessionId ?? "";
        }
        return client;
    }

    /// <summary>Sends one WebSocket message with what <paramref name="write"/> writes.</summary>
    public async Task SendAsync(Action<IBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        await SendRawAsync(buffer.WrittenMemory).ConfigureAwait(false);
    }

    /// <summary>Sends bytes as one binary WebSocket message (or, with <paramref name="type"/>, a text one).</summary>
    public async Task SendRawAsync(ReadOnlyMemory<byte> message, WebSocketMessageType type = WebSocketMessageType.Binary)
    {
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(message, type, true, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public Task OpenAsync(uint id, string route, uint credits = ProtocolConstants.UnboundedCredits, StreamOffset? offset = null, byte[]? payload = null)
        => SendAsync(w => FrameWriter.WriteOpen(w, id, route, offset, credits, payload ?? [], payload is not null));

    public Task NextAsync(uint id, string json) => SendAsync(w => FrameWriter.WriteNext(w, id, null, System.Text.Encoding.UTF8.GetBytes(json)));

    public Task RequestAsync(uint id, uint n) => SendAsync(w => FrameWriter.WriteRequest(w, id, n));

    public Task CancelAsync(uint id) => SendAsync(w => FrameWriter.WriteCancel(w, id));

    /// <summary>The next frame received; fails after the timeout.</summary>
    public async Task<ReceivedFrame> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Wait.DefaultTimeout);
        try
        {
            return await _frames.Reader.ReadAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("No frame arrived in time.");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The connection closed ({_socket.CloseStatus} {_socket.CloseStatusDescription}).");
        }
    }

    /// <summary>Receives frames until one matches, skipping PINGs and the others.</summary>
    public async Task<ReceivedFrame> ReceiveUntilAsync(Func<ReceivedFrame, bool> match, TimeSpan? timeout = null)
    {
        while (true)
        {
            var frame = await ReceiveAsync(timeout).ConfigureAwait(false);
            if (match(frame))
            {
                return frame;
            }
        }
    }

    /// <summary>A frame received now, if any.</summary>
    public bool TryReceive(out ReceivedFrame frame) => _frames.Reader.TryRead(out frame!);

    /// <summary>Stops reading from the socket (the server's sends back up), until <see cref="ResumeReading"/>.</summary>
    public void PauseReading() => _paused = true;

    public void ResumeReading()
    {
        _paused = false;
        _resume.TrySetResult();
    }

    /// <summary>Completes when the server closed the connection (the reader saw the end).</summary>
    public Task Closed => _reader;

    private async Task ReadAsync()
    {
        var buffer = new byte[1024 * 1024];
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
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(count), _stop.Token).ConfigureAwait(false);
                    count += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
                Interlocked.Increment(ref _messages);
                var sequence = new ReadOnlySequence<byte>(buffer, 0, count);
                while (FrameReader.TryReadFrame(ref sequence, int.MaxValue, out var frame))
                {
                    await _frames.Writer.WriteAsync(ReceivedFrame.From(frame)).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Abort();
        _socket.Dispose();
        try
        {
            await _reader.ConfigureAwait(false);
        }
        catch (Exception)
        {
        }
    }
}

/// <summary>A frame received by a <see cref="RawClient"/>, with its payload copied.</summary>
public sealed record ReceivedFrame(FrameType Type, uint StreamId, StreamOffset? Offset, string Payload, string? Code, string? Message, string? SessionId, uint Credits)
{
    public static ReceivedFrame From(in Frame frame) => new(
        frame.Type, frame.StreamId, frame.Offset,
        frame.Type == FrameType.Next ? System.Text.Encoding.UTF8.GetString(frame.Payload.ToArray()) : "",
        frame.Code, frame.Message, frame.SessionId, frame.Credits);

    public override string ToString() => Type switch
    {
        FrameType.Next => $"NEXT {StreamId} {Offset} {Payload}",
        FrameType.Error => $"ERROR {StreamId} {Code}: {Message}",
        _ => $"{Type} {StreamId}",
    };
}
