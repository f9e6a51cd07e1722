using System.Net.WebSockets;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RxStreams.Diagnostics;
using RxStreams.Protocol;
using RxStreams.Serialization;

namespace RxStreams.Client;

/// <summary>
/// The .NET client: many logical streams over one WebSocket to an RxStreams server. It reconnects by itself (with
/// exponential backoff and jitter, trying each of its endpoints in turn), reopens every stream, and resumes durable
/// streams after the last item it delivered, so the application sees no gap and no duplicate across reconnections.
/// </summary>
/// <example>
/// <code>
/// await using var client = await RxStreamsClient.ConnectAsync(new Uri("ws://localhost:5000/rx"));
/// var lobby = client.Open&lt;ChatMessage, ChatMessage&gt;("chat/lobby");
/// using var _ = lobby.Subscribe(m => Console.WriteLine($"{m.From}: {m.Text}"));
/// lobby.OnNext(new ChatMessage("", "hello", default));
/// </code>
/// </example>
public sealed class RxStreamsClient : IAsyncDisposable
{
    private readonly ClientConnector _connector;
    private readonly RxStreamsClientOptions _options;
    private readonly ILogger _logger;
    private readonly BehaviorSubject<ConnectionState> _state = new(ConnectionState.Connecting);
    private readonly Subject<ClientEvent> _events = new();
    private readonly object _gate = new();
    private readonly HashSet<ClientStreamBase> _attached = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IHostedServer> _servers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposed = new();
    private ClientConnection? _connection;
    private Task _loop = Task.CompletedTask;
    private string _sessionId = "";
    private int _buffered;
    private int _serverMaxFrameSize = ProtocolConstants.DefaultMaxFrameSize;
    private TimeSpan _serverKeepAlive = TimeSpan.FromSeconds(15);
    private string? _closeReason;
    private readonly List<IAnswered> _answered = [];
    private int _attempt;
    // Set when the server said it is draining (server_shutting_down): the next reconnection starts without a delay.
    private int _moving;
    private readonly IReconnectPolicy _reconnectPolicy;

    /// <summary>The code of the ERROR that closed the connection, as the server sent it (null when none came).</summary>
    internal string? CloseReason
    {
        get => _closeReason;
        set => _closeReason = value;
    }

    internal ILogger Logger => _logger;

    /// <summary>The server this client hosts under <paramref name="name"/>, if it does.</summary>
    internal bool TryGetServer(string name, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out IHostedServer server)
        => _servers.TryGetValue(name, out server);

    /// <summary>A connection that stayed up this long resets the reconnection backoff.</summary>
    private static readonly TimeSpan StableConnection = TimeSpan.FromSeconds(30);

    private RxStreamsClient(IEnumerable<Uri> endpoints, RxStreamsClientOptions? options)
    {
        Uri[] all = [.. endpoints];
        if (all.Length == 0)
        {
            throw new ArgumentException("Give at least one endpoint, e.g. ws://localhost:5000/rx.", nameof(endpoints));
        }
        foreach (var uri in all)
        {
            if (!uri.IsAbsoluteUri || uri.Scheme is not ("ws" or "wss"))
            {
                throw new ArgumentException($"'{uri}' is not a WebSocket URL (ws:// or wss://).", nameof(endpoints));
            }
        }
        _options = options ?? new RxStreamsClientOptions();
        _options.Validate();
        _reconnectPolicy = _options.ReconnectPolicy ?? new ExponentialReconnectPolicy(_options.ReconnectDelay, _options.MaxReconnectDelay, _options.MaxReconnectAttempts);
        _logger = _options.LoggerFactory?.CreateLogger<RxStreamsClient>() ?? (ILogger)NullLogger.Instance;
        _connector = new ClientConnector(all, _options, _logger, _disposed.Token);
    }

    /// <summary>Connects to an RxStreams endpoint, e.g. <c>ws://localhost:5000/rx</c>.</summary>
    /// <exception cref="WebSocketException">The first connection failed (later drops are handled by reconnecting).</exception>
    /// <exception cref="StreamException">The server refused the handshake (for example <c>unsupported_version</c>).</exception>
    public static Task<RxStreamsClient> ConnectAsync(Uri endpoint, RxStreamsClientOptions? options = null, CancellationToken cancellationToken = default)
        => ConnectAsync([endpoint ?? throw new ArgumentNullException(nameof(endpoint))], options, cancellationToken);

    /// <summary>
    /// Connects to the first endpoint that answers; when the connection drops the client reconnects to the next one,
    /// so several server nodes give failover without a load balancer.
    /// </summary>
    public static async Task<RxStreamsClient> ConnectAsync(IEnumerable<Uri> endpoints, RxStreamsClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var client = new RxStreamsClient(endpoints, options);
        try
        {
            var connection = client.TakeWelcome(await client._connector.ConnectFirstAsync(client.SessionId, cancellationToken).ConfigureAwait(false));
            client._loop = client.RunAsync(connection);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The connection state now and its changes.</summary>
    public IObservable<ConnectionState> State => _state.DistinctUntilChanged();

    /// <summary>The connection state now.</summary>
    public ConnectionState CurrentState => _state.Value;

    /// <summary>Reports the client gives besides its state: streams not recovered, observers that threw.</summary>
    public IObservable<ClientEvent> Events => _events.AsObservable();

    /// <summary>The session id the server gave (kept across reconnections).</summary>
    public string SessionId => Volatile.Read(ref _sessionId);

    /// <summary>The largest frame this client sends: its own limit and the server's, whichever is smaller.</summary>
    internal int MaxFrameSize => Math.Min(_options.MaxFrameSize, Volatile.Read(ref _serverMaxFrameSize));

    /// <summary>
    /// The largest message this client accepts: the server batches frames up to its own announced limit, so a
    /// client limit set lower for sending must not make the client drop the connection on a full batch.
    /// </summary>
    private int ReceiveLimit => Math.Max(_options.MaxFrameSize, Volatile.Read(ref _serverMaxFrameSize));

    /// <summary>
    /// A duplex stream: what the server sends on <paramref name="route"/> is observable, what the application writes
    /// with <see cref="IObserver{T}.OnNext"/> goes to the server. Opens with the first subscription.
    /// </summary>
    /// <typeparam name="TIn">What the application sends.</typeparam>
    /// <typeparam name="TOut">What the server sends.</typeparam>
    public IClientStream<TIn, TOut> Open<TIn, TOut>(string route, StreamOpenOptions? options = null)
    {
        ValidateRoute(route);
        return new ClientStream<TIn, TOut>(this, route, options ?? new StreamOpenOptions(), StreamSerializer.Get<TIn>);
    }

    /// <summary>
    /// A model, read-only: the states of the model stream on <paramref name="route"/> (a handler returning
    /// <c>ModelStream&lt;TState&gt;</c>), whole, each with its version; the server sends only changes after the first.
    /// </summary>
    /// <typeparam name="TState">The state type.</typeparam>
    public IClientModel<TState> Model<TState>(string route, StreamOpenOptions? options = null) => Model<TState, object>(route, options);

    /// <summary>
    /// A model the application can also change with <see cref="IClientModel{TState, TEdit}.EditAsync"/>: edits go to the
    /// model handler on <paramref name="route"/> (which takes <c>IObservable&lt;ModelEdit&lt;TEdit&gt;&gt;</c>), never
    /// straight into the state.
    /// </summary>
    /// <typeparam name="TState">The state type.</typeparam>
    /// <typeparam name="TEdit">The edit type.</typeparam>
    public IClientModel<TState, TEdit> Model<TState, TEdit>(string route, StreamOpenOptions? options = null)
    {
        ValidateRoute(route);
        StreamSerializer.Register(ClientModelMessage.Serializer.Instance);
        var openOptions = options ?? new StreamOpenOptions();
        return new ClientModel<TState, TEdit>(route,
            () => new ClientStream<Models.ModelEdit<TEdit>, ClientModelMessage>(this, route, openOptions, static () => new Models.ModelEditSerializer<TEdit>(StreamSerializer.Get<TEdit>())),
            _options.InvokeTimeout);
    }

    /// <summary>What the server sends on <paramref name="route"/> (a subscription; nothing goes the other way).</summary>
    public IObservable<T> Subscribe<T>(string route, StreamOpenOptions? options = null)
    {
        ValidateRoute(route);
        return new ClientStream<object, T>(this, route, options ?? new StreamOpenOptions(), null);
    }

    /// <summary>Sends a request and returns the response.</summary>
    /// <exception cref="StreamException">The server answered with an error (its code and message), or the connection dropped in flight (<c>connection_lost</c>), or <c>frame_too_large</c>, without sending anything, when the request does not fit in a frame (the connection is not affected).</exception>
    /// <exception cref="TimeoutException">No response within <paramref name="timeout"/> (default <see cref="RxStreamsClientOptions.InvokeTimeout"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the server is told).</exception>
    public Task<TResponse> InvokeAsync<TRequest, TResponse>(string route, TRequest request, CancellationToken cancellationToken = default, TimeSpan? timeout = null)
    {
        ValidateRoute(route);
        var payload = StreamSerializer.SerializeToArray(StreamSerializer.Get<TRequest>(), request);
        if (FrameSize.Check(FrameSize.Request(route, payload), MaxFrameSize, "A request") is { } tooLarge)
        {
            return Task.FromException<TResponse>(tooLarge);
        }
        return RunRequestAsync(new RequestStream<TResponse>(this, route, payload, StreamSerializer.Get<TResponse>()), cancellationToken, timeout);
    }

    /// <summary>Sends a message to a fire-and-forget route and completes when the server handled it.</summary>
    /// <exception cref="StreamException">The server answered with an error, or the connection dropped in flight (<c>connection_lost</c>), or <c>frame_too_large</c>, without sending anything, when the message does not fit in a frame (the connection is not affected).</exception>
    /// <exception cref="TimeoutException">No answer within <paramref name="timeout"/>.</exception>
    public Task SendAsync<T>(string route, T message, CancellationToken cancellationToken = default, TimeSpan? timeout = null)
    {
        ValidateRoute(route);
        var payload = StreamSerializer.SerializeToArray(StreamSerializer.Get<T>(), message);
        if (FrameSize.Check(FrameSize.Request(route, payload), MaxFrameSize, "A message") is { } tooLarge)
        {
            return Task.FromException(tooLarge);
        }
        return RunRequestAsync(new RequestStream<object?>(this, route, payload, null), cancellationToken, timeout);
    }

    /// <summary>
    /// Makes this client the stream server of <paramref name="name"/>: other clients (on any node) connect to it with
    /// <see cref="Connect{TIn, TOut}"/> (or <c>rx.connect(name)</c> in a browser), and server code with
    /// <c>IStreamHub.Servers</c>. Each caller is one call of <paramref name="onConnection"/>: it gets the caller's input
    /// and returns the answers. Disposing the result stops serving; the callers get <c>server_gone</c>. Calls always
    /// go through the server's relay: the browser client's <c>peerToPeer</c> (WebRTC data channels between browsers)
    /// is not available here, and a browser caller that asks for it stays on the relay with this client.
    /// </summary>
    /// <exception cref="StreamException"><c>name_taken</c> when another client serves the name.</exception>
    public async Task<IAsyncDisposable> ListenAsync<TIn, TOut>(string name, Func<IObservable<TIn>, IObservable<TOut>> onConnection, CancellationToken cancellationToken = default)
    {
        ValidateServerName(name);
        ArgumentNullException.ThrowIfNull(onConnection);
        var server = new HostedServer<TIn, TOut>(onConnection);
        if (!_servers.TryAdd(name, server))
        {
            throw new StreamException(StreamErrorCodes.NameTaken, $"This client already serves '{name}'.");
        }
        // This listener's own entry only: stopping it never removes a later listener's.
        void Forget() => _servers.TryRemove(KeyValuePair.Create(name, (IHostedServer)server));
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listening = new ClientStream<object, System.Text.Json.JsonElement>(this, "$listen/" + name, new StreamOpenOptions(), null);
        var subscription = listening.Subscribe(
            _ => ready.TrySetResult(),
            error =>
            {
                Forget();
                if (!ready.TrySetException(error))
                {
                    Report(new ClientEvent(ClientEventKind.ListenerLost, name, $"Serving '{name}' ended: {error.Message}"));
                }
            },
            Forget);
        void Stop()
        {
            subscription.Dispose();
            Forget();
        }
        try
        {
            await ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Stop();
            throw;
        }
        return new Listener(Stop);
    }

    /// <summary>
    /// A duplex stream to the client-hosted server <paramref name="name"/>, wherever it is. It fails with
    /// <c>no_such_server</c> when nobody serves the name, <c>server_gone</c> when its host goes away. For one request
    /// and its answer, use <c>InvokeAsync("$connect/" + name, request)</c>. The stream goes through the server's relay,
    /// also to a browser host that listens with <c>peerToPeer</c> (that host serves this client over the relay).
    /// </summary>
    public IClientStream<TIn, TOut> Connect<TIn, TOut>(string name, StreamOpenOptions? options = null)
    {
        ValidateServerName(name);
        return Open<TIn, TOut>("$connect/" + name, options);
    }

    private static void ValidateServerName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!ServerNames.IsValid(name))
        {
            throw new ArgumentException(ServerNames.Rule, nameof(name));
        }
    }

    private sealed class Listener(Action stop) : IAsyncDisposable
    {
        private int _disposed;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                stop();
            }
            return ValueTask.CompletedTask;
        }
    }

    private async Task<TResponse> RunRequestAsync<TResponse>(RequestStream<TResponse> request, CancellationToken cancellationToken, TimeSpan? timeout)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        AttachStream(request);
        var limit = timeout ?? _options.InvokeTimeout;
        try
        {
            return await request.Result.WaitAsync(limit, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            var error = new TimeoutException($"'{request.Route}' did not answer within {limit.TotalSeconds:0.###} seconds.");
            request.Abort(error);
            throw error;
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            request.Abort(e);
            throw;
        }
    }

    private static void ValidateRoute(string route)
    {
        ArgumentException.ThrowIfNullOrEmpty(route);
        if (route.AsSpan().ContainsAnyInRange('\0', '\u001f'))
        {
            throw new ArgumentException("A route contains no control characters.", nameof(route));
        }
    }

    // ---- Streams and connections ----

    internal void AttachStream(ClientStreamBase stream)
    {
        ClientConnection? connection;
        lock (_gate)
        {
            if (!_attached.Add(stream))
            {
                return;
            }
            connection = _connection;
        }
        if (connection is not null)
        {
            stream.Attach(connection);
        }
    }

    internal void DetachStream(ClientStreamBase stream)
    {
        lock (_gate)
        {
            _attached.Remove(stream);
        }
    }

    /// <summary>Opens a stream again (after <c>not_recovered</c>), on the current connection if there is one.</summary>
    internal void Reopen(ClientStreamBase stream)
    {
        ClientConnection? connection;
        lock (_gate)
        {
            connection = _attached.Contains(stream) ? _connection : null;
        }
        if (connection is not null)
        {
            stream.Attach(connection);
        }
    }

    /// <summary>A request answered by this message: cancelled after it unless its COMPLETE came too (receive loop only).</summary>
    internal void CancelAfterMessage(IAnswered request) => _answered.Add(request);

    internal void ReserveBuffered()
    {
        if (Interlocked.Increment(ref _buffered) > _options.MaxBufferedMessages)
        {
            Interlocked.Decrement(ref _buffered);
            throw new StreamException(StreamErrorCodes.BufferFull,
                $"{_options.MaxBufferedMessages} messages are already waiting for the connection to come back (RxStreamsClientOptions.MaxBufferedMessages).");
        }
    }

    internal void ReleaseBuffered(int count) => Interlocked.Add(ref _buffered, -count);

    internal void Report(ClientEvent e)
    {
        ClientLog.Event(_logger, e.Kind, e.Route, e.Message);
        try
        {
            _events.OnNext(e);
        }
        catch (Exception error)
        {
            ClientLog.ObserverThrew(_logger, error);
        }
    }

    /// <summary>Takes what the server said in WELCOME: the session, and the limits both ends then keep.</summary>
    private ClientConnection TakeWelcome(ClientConnection connection)
    {
        var welcome = connection.Welcome;
        Volatile.Write(ref _sessionId, welcome.SessionId);
        Volatile.Write(ref _serverMaxFrameSize, welcome.MaxFrameSize);
        _serverKeepAlive = welcome.KeepAlive;
        connection.Sender.MaxMessageSize = MaxFrameSize;
        return connection;
    }

    /// <summary>Runs connections one after the other until disposed or given up.</summary>
    private async Task RunAsync(ClientConnection connection)
    {
        while (true)
        {
            var connectedAt = _options.TimeProvider.GetTimestamp();
            Activate(connection);
            await ReceiveLoopAsync(connection).ConfigureAwait(false);
            var serverClosedNormally = connection.Socket.CloseStatus == WebSocketCloseStatus.NormalClosure;
            Deactivate(connection);
            if (_disposed.IsCancellationRequested)
            {
                return;
            }
            if (_closeReason == StreamErrorCodes.UnsupportedVersion)
            {
                GiveUp(new StreamException(StreamErrorCodes.UnsupportedVersion, "The server speaks another protocol version."));
                return;
            }
            if (serverClosedNormally && _closeReason is null)
            {
                // The server ended this client on purpose (close 1000 without an error): do not come back.
                GiveUp(new StreamException(StreamErrorCodes.ConnectionLost, "The server closed the connection for good."));
                return;
            }
            if (_options.TimeProvider.GetElapsedTime(connectedAt) >= StableConnection)
            {
                _attempt = 0; // a connection that held for a while resets the backoff
            }
            _state.OnNext(ConnectionState.Reconnecting);
            var next = await ReconnectAsync().ConfigureAwait(false);
            if (next is null)
            {
                return;
            }
            connection = next;
        }
    }

    private void Activate(ClientConnection connection)
    {
        ClientStreamBase[] streams;
        lock (_gate)
        {
            _connection = connection;
            streams = [.. _attached];
        }
        _closeReason = null;
        _state.OnNext(ConnectionState.Connected);
        foreach (var stream in streams)
        {
            stream.Attach(connection);
        }
    }

    private void Deactivate(ClientConnection connection)
    {
        lock (_gate)
        {
            _connection = null;
        }
        connection.Sender.Complete();
        if (connection.Socket.State is not (WebSocketState.Closed or WebSocketState.Aborted))
        {
            connection.Socket.Abort();
        }
        connection.Socket.Dispose();
        foreach (var stream in connection.Streams())
        {
            stream.Detach(connection);
        }
        foreach (var call in connection.Calls())
        {
            call.Cancel();
        }
        ClientLog.Disconnected(_logger, _closeReason ?? "connection lost");
    }

    private async Task<ClientConnection?> ReconnectAsync()
    {
        Exception? lastError = null;
        for (var failures = 0; ; failures++)
        {
            TimeSpan? next;
            if (failures == 0 && Interlocked.Exchange(ref _moving, 0) == 1)
            {
                // The server asked this client to move: the node is going away on purpose, nothing failed, so the
                // first attempt goes at once and does not count toward the backoff.
                next = TimeSpan.Zero;
            }
            else
            {
                try
                {
                    next = _reconnectPolicy.NextDelay(new ReconnectContext(_attempt, failures, lastError));
                }
                catch (Exception e)
                {
                    ClientLog.ReconnectPolicyFailed(_logger, e);
                    next = null;
                }
                if (next is not { } policyDelay)
                {
                    GiveUp(new StreamException(StreamErrorCodes.ConnectionLost, failures == 0
                        ? "The reconnect policy stopped reconnecting."
                        : $"Could not reconnect after {failures} attempts."));
                    return null;
                }
                _attempt++;
            }
            var delay = next.Value;
            try
            {
                await Task.Delay(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, _options.TimeProvider, _disposed.Token).ConfigureAwait(false);
                return TakeWelcome(await _connector.ConnectOnceAsync(SessionId, _disposed.Token).ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
            {
                return null;
            }
            catch (UnauthorizedAccessException e)
            {
                GiveUp(e);
                return null;
            }
            catch (StreamException e) when (e.Code == StreamErrorCodes.UnsupportedVersion)
            {
                GiveUp(e);
                return null;
            }
            catch (Exception e) when (e is WebSocketException or TimeoutException or HttpRequestException or StreamException)
            {
                lastError = e;
                ClientLog.ReconnectFailed(_logger, failures + 1, e.Message);
            }
        }
    }

    /// <summary>
    /// The server is draining (protocol 6.5): streams and requests already on this connection stay (the server answers
    /// the requests in flight, then closes); new ones wait for the next connection, which is made without a delay.
    /// </summary>
    internal void Move(ClientConnection connection)
    {
        ClientLog.Moving(_logger);
        lock (_gate)
        {
            if (_connection == connection)
            {
                _connection = null;
            }
        }
        Interlocked.Exchange(ref _moving, 1);
    }

    private void GiveUp(Exception error)
    {
        ClientStreamBase[] streams;
        lock (_gate)
        {
            streams = [.. _attached];
            _attached.Clear();
        }
        foreach (var stream in streams)
        {
            stream.Abort(error);
        }
        _state.OnNext(ConnectionState.Closed);
    }

    private async Task ReceiveLoopAsync(ClientConnection connection)
    {
        using var buffer = new ReceiveBuffer();
        var lastReceived = Environment.TickCount64;
        var timeout = _options.ServerTimeout ?? _serverKeepAlive * 2;
        using var watchdog = new Timer(_ =>
        {
            if (Environment.TickCount64 - Volatile.Read(ref lastReceived) > timeout.TotalMilliseconds)
            {
                ClientLog.ServerTimedOut(_logger, timeout);
                connection.Socket.Abort();
            }
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        try
        {
            while (true)
            {
                var message = await buffer.ReceiveAsync(connection.Socket, ReceiveLimit, _disposed.Token).ConfigureAwait(false);
                Volatile.Write(ref lastReceived, Environment.TickCount64);
                if (message is not { } frames)
                {
                    return;
                }
                while (FrameReader.TryReadFrame(ref frames, ReceiveLimit, out var frame))
                {
                    ClientFrameDispatcher.Dispatch(this, connection, frame);
                }
                foreach (var answered in _answered)
                {
                    answered.CancelIfOpen();
                }
                _answered.Clear();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or ProtocolException)
        {
            ClientLog.ConnectionDropped(_logger, e.Message);
        }
    }

    /// <summary>Closes the connection and ends every stream (their subscribers complete).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }
        ClientConnection? connection;
        lock (_gate)
        {
            connection = _connection;
        }
        if (connection is not null && connection.Socket.State == WebSocketState.Open)
        {
            try
            {
                connection.Sender.Complete();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await connection.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
        await _disposed.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        GiveUp(new ObjectDisposedException(nameof(RxStreamsClient)));
        _state.OnCompleted();
        _events.OnCompleted();
    }
}

/// <summary>A request that got its answer; it is cancelled if the server keeps its stream open.</summary>
internal interface IAnswered
{
    void CancelIfOpen();
}
