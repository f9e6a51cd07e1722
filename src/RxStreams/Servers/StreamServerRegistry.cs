using System.Collections.Concurrent;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Security.Cryptography;
using RxStreams.Backplanes;
using RxStreams.Channels;
using RxStreams.Diagnostics;
using RxStreams.Routing;
using RxStreams.Serialization;

namespace RxStreams.Servers;

/// <summary>
/// The client-hosted stream servers of the cluster, as this node sees them. A name is owned through an exclusive
/// presence entry in the backplane (lease, renewed by the owner's node; a dead node's names expire with it), whose
/// data is the owner's node id. Streams between a caller and a server are proxied node to node over each node's bus
/// channel (an ephemeral channel of the backplane): the caller's node opens, forwards input and cancels; the host's
/// node opens a stream to the hosting client and forwards its answers back.
/// </summary>
internal sealed class StreamServerRegistry : IStreamServers
{
    internal const string ServerSet = "$rx:servers";
    internal const int MaxNameLength = 128;

    private readonly StreamHub _hub;
    private readonly object _gate = new();
    private readonly ConcurrentDictionary<string, LocalServer> _local = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CallerProxy> _callers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HostedProxy> _hosted = new(StringComparer.Ordinal);
    private IDisposable? _listening;
    private Task? _bus;
    private readonly TaskCompletionSource _probe = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextProxy;

    public StreamServerRegistry(StreamHub hub)
    {
        _hub = hub;
        Span<byte> random = stackalloc byte[9];
        RandomNumberGenerator.Fill(random);
        NodeId = Convert.ToHexString(random).ToLowerInvariant();
    }

    /// <summary>This node's id: the data of the names it owns, and the name of its bus channel.</summary>
    public string NodeId { get; }

    private StreamBackplane Backplane => _hub.Backplane;

    private static string BusChannel(string node) => "$rx:node:" + node;

    private string ProbeId => "$probe:" + NodeId;

    /// <summary>What a server name must be (the .NET client checks the same before sending).</summary>
    public static readonly string NameRule = $"A server name has 1 to {MaxNameLength} characters, no '/' and no control characters.";

    public static bool IsValidName(string? name)
        => !string.IsNullOrEmpty(name) && name.Length <= MaxNameLength && !name.Contains('/') && !name.AsSpan().ContainsAnyInRange('\0', '\u001f');

    public static void ValidateName(string name)
    {
        if (!IsValidName(name))
        {
            throw new StreamException(StreamErrorCodes.BadRouteValue, NameRule);
        }
    }

    // ---- IStreamServers ----

    public IObservable<StreamServerEvent> Watch() => _hub.Presence(ServerSet).Watch().SelectMany(e => e.Kind switch
    {
        PresenceEventKind.Snapshot => [new StreamServerEvent(StreamServerEventKind.Snapshot, null, [.. e.Members!.Select(m => m.Id).Order(StringComparer.Ordinal)])],
        PresenceEventKind.Joined => [new StreamServerEvent(StreamServerEventKind.Created, e.Member!.Id)],
        PresenceEventKind.Left => [new StreamServerEvent(StreamServerEventKind.Destroyed, e.Member!.Id)],
        _ => Array.Empty<StreamServerEvent>(),
    });

    public async ValueTask<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default)
        => [.. (await Backplane.GetPresenceAsync(ServerSet, cancellationToken).ConfigureAwait(false)).Select(m => m.Id).Order(StringComparer.Ordinal)];

    public IObservable<TOut> Connect<TIn, TOut>(string name, IObservable<TIn> input)
    {
        ValidateName(name);
        ArgumentNullException.ThrowIfNull(input);
        var inSerializer = StreamSerializer.Get<TIn>();
        var outSerializer = StreamSerializer.Get<TOut>();
        return Observable.Create<TOut>(observer =>
        {
            var proxy = Open(name, new TypedSink<TOut>(outSerializer, observer));
            var forwarding = input.Subscribe(
                value => proxy.Next(StreamSerializer.SerializeToArray(inSerializer, value)),
                error => proxy.Cancel(),
                proxy.Complete);
            return new CompositeDisposable(forwarding, Disposable.Create(proxy.Cancel));
        });
    }

    public async Task<TResponse> InvokeAsync<TRequest, TResponse>(string name, TRequest request, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        try
        {
            // One input item and the end of the input, as the clients' requests; the first answer is the response.
            return await Connect<TRequest, TResponse>(name, Observable.Return(request))
                .FirstAsync().ToTask(cancellationToken).WaitAsync(limit, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The client-hosted server '{name}' did not answer within {limit.TotalSeconds:0.###} seconds.");
        }
    }

    // ---- Hosting ----

    /// <summary>Makes <paramref name="connection"/> the server of <paramref name="name"/>; null when the name is taken.</summary>
    public async ValueTask<IAsyncDisposable?> RegisterAsync(string name, string user, IServerHostConnection connection, CancellationToken cancellationToken)
    {
        ValidateName(name);
        await EnsureBusAsync(cancellationToken).ConfigureAwait(false);
        var lease = await Backplane.TryJoinPresenceExclusiveAsync(ServerSet, new PresenceMember(name, user, NodeId), cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            return null;
        }
        var server = new LocalServer(this, name, connection, lease);
        _local[name] = server;
        ServersLog.Listening(_hub.Logger, name, connection.ConnectionId);
        return server;
    }

    /// <summary>
    /// Opens the caller's end of a stream to the server <paramref name="name"/>. What the caller sends before the
    /// server's owner is found counts against <paramref name="budget"/> (the caller's connection), when there is one.
    /// </summary>
    public CallerProxy Open(string name, IProxySink sink, IMemoryBudget? budget = null)
    {
        var proxy = new CallerProxy(this, $"{NodeId}/{Interlocked.Increment(ref _nextProxy)}", name, sink, budget);
        _callers[proxy.Id] = proxy;
        _ = proxy.StartAsync();
        return proxy;
    }

    // ---- The node bus ----

    private Task EnsureBusAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // Subscribed once for the hub's life (the backplane keeps subscriptions across reconnections); only the
            // probe is tried again after a failure: subscribing again would hand every message to this node twice.
            _listening ??= new CompositeDisposable(
                Backplane.Subscribe(BusChannel(NodeId)).Subscribe(entry => OnBusMessage(entry.Payload)),
                Backplane.SubscribePresence(ServerSet).Subscribe(OnServerEvent, _ => { }, () => { }));
            if (_bus is null || _bus.IsFaulted || _bus.IsCanceled)
            {
                _bus = ProbeBusAsync();
            }
            return _bus.WaitAsync(cancellationToken);
        }
    }

    private async Task ProbeBusAsync()
    {
        // The subscription may take a round trip to become live (Redis SUBSCRIBE): prove it by hearing ourselves.
        for (var attempt = 0; ; attempt++)
        {
            await Backplane.PublishAsync(BusChannel(NodeId), NodeMessage.Simple(NodeMessageKind.ToCallerComplete, ProbeId), CancellationToken.None).ConfigureAwait(false);
            try
            {
                await _probe.Task.WaitAsync(TimeSpan.FromMilliseconds(Math.Min(2000, 50 << Math.Min(attempt, 5)))).ConfigureAwait(false);
                return;
            }
            catch (TimeoutException) when (attempt < 20)
            {
            }
        }
    }

    private void Send(string node, byte[] message, string proxyId)
    {
        var publish = Backplane.PublishAsync(BusChannel(node), message, CancellationToken.None);
        if (!publish.IsCompletedSuccessfully)
        {
            _ = Observe(publish, proxyId);
        }

        async Task Observe(ValueTask task, string id)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                ServersLog.SendFailed(_hub.Logger, id, e);
                Fail(id, e is StreamException se ? se.Code : StreamErrorCodes.BackplaneUnavailable, "The backplane could not carry the stream: " + e.Message);
            }
        }
    }

    /// <summary>Ends a proxy of this node (either end) after a failure to send.</summary>
    private void Fail(string proxyId, string code, string message)
    {
        if (_callers.TryGetValue(proxyId, out var caller))
        {
            caller.Deliver(new NodeMessage(NodeMessageKind.ToCallerError, proxyId, "", "", code, message, default));
        }
        if (_hosted.TryRemove(proxyId, out var hosted))
        {
            hosted.Handle?.Cancel();
        }
    }

    private void OnBusMessage(ReadOnlyMemory<byte> payload)
    {
        if (!NodeMessage.TryRead(payload, out var message))
        {
            ServersLog.BadMessage(_hub.Logger);
            return;
        }
        switch (message.Kind)
        {
            case NodeMessageKind.ToCallerComplete when message.ProxyId == ProbeId:
                _probe.TrySetResult();
                break;
            case NodeMessageKind.Open:
                OnOpen(message);
                break;
            case NodeMessageKind.ToHostNext:
            case NodeMessageKind.ToHostComplete:
            case NodeMessageKind.ToHostCancel:
                if (_hosted.TryGetValue(message.ProxyId, out var hosted))
                {
                    hosted.Deliver(message);
                }
                break;
            default:
                if (_callers.TryGetValue(message.ProxyId, out var caller))
                {
                    caller.Deliver(message);
                }
                break;
        }
    }

    private void OnOpen(in NodeMessage message)
    {
        if (!_local.TryGetValue(message.Name, out var server))
        {
            Send(message.Node, NodeMessage.Error(message.ProxyId, StreamErrorCodes.NoSuchServer, $"No client hosts a stream server named '{message.Name}'."), message.ProxyId);
            return;
        }
        var hosted = new HostedProxy(this, message.ProxyId, message.Node, server);
        _hosted[hosted.Id] = hosted;
        hosted.Handle = server.Connection.OpenServerStream(message.Name, hosted);
    }

    private void OnServerEvent(PresenceEvent e)
    {
        // A name whose owner's node died leaves when its lease expires: its callers here learn it is gone.
        if (e.Kind != PresenceEventKind.Left || e.Member is not { } member)
        {
            return;
        }
        foreach (var caller in _callers.Values)
        {
            if (caller.Name == member.Id && caller.OwnerNode == member.Data)
            {
                caller.Deliver(new NodeMessage(NodeMessageKind.ToCallerError, caller.Id, "", "", StreamErrorCodes.ServerGone, $"The client hosting '{member.Id}' went away.", default));
            }
        }
    }

    private async Task<string?> FindOwnerAsync(string name, CancellationToken cancellationToken)
        => (await Backplane.GetPresenceMemberAsync(ServerSet, name, cancellationToken).ConfigureAwait(false))?.Data;

    // ---- The two ends of a proxied stream, and a local server ----

    /// <summary>The caller's end: forwards input to the host's node, delivers the answers.</summary>
    internal sealed class CallerProxy(StreamServerRegistry registry, string id, string name, IProxySink sink, IMemoryBudget? budget)
    {
        /// <summary>The most messages kept before the owner is found when no connection's budget bounds them.</summary>
        internal const int MaxPendingWithoutBudget = 1024;

        private readonly object _gate = new();
        private List<byte[]>? _pending = [];
        private long _pendingBytes;
        private bool _done;

        public string Id => id;

        public string Name => name;

        public string? OwnerNode { get; private set; }

        public async Task StartAsync()
        {
            string? owner;
            try
            {
                await registry.EnsureBusAsync(CancellationToken.None).ConfigureAwait(false);
                owner = await registry.FindOwnerAsync(name, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Deliver(new NodeMessage(NodeMessageKind.ToCallerError, id, "", "", e is StreamException se ? se.Code : StreamErrorCodes.BackplaneUnavailable, e.Message, default));
                return;
            }
            if (owner is null)
            {
                Deliver(new NodeMessage(NodeMessageKind.ToCallerError, id, "", "", StreamErrorCodes.NoSuchServer, $"No client hosts a stream server named '{name}'.", default));
                return;
            }
            lock (_gate)
            {
                if (_done)
                {
                    return;
                }
                OwnerNode = owner;
                registry.Send(owner, NodeMessage.Open(id, registry.NodeId, name), id);
                foreach (var message in _pending!)
                {
                    registry.Send(owner, message, id);
                }
                _pending = null;
                ReleasePendingLocked();
            }
        }

        public void Next(byte[] payload) => Forward(NodeMessage.Simple(NodeMessageKind.ToHostNext, id, payload));

        public void Complete() => Forward(NodeMessage.Simple(NodeMessageKind.ToHostComplete, id));

        /// <summary>The caller went away: tell the host, forget the stream.</summary>
        public void Cancel()
        {
            lock (_gate)
            {
                if (_done)
                {
                    return;
                }
                _done = true;
                ReleasePendingLocked();
                if (OwnerNode is { } owner)
                {
                    registry.Send(owner, NodeMessage.Simple(NodeMessageKind.ToHostCancel, id), id);
                }
            }
            registry._callers.TryRemove(id, out _);
        }

        private void Forward(byte[] message)
        {
            lock (_gate)
            {
                if (_done)
                {
                    return;
                }
                if (_pending is null)
                {
                    registry.Send(OwnerNode!, message, id);
                    return;
                }
                // Until the server's owner is known: its bytes count against the caller's connection, like a
                // handler's unread input.
                if (budget is null ? _pending.Count < MaxPendingWithoutBudget : budget.TryHold(message.Length))
                {
                    _pendingBytes += budget is null ? 0 : message.Length;
                    _pending.Add(message);
                    return;
                }
            }
            Deliver(new NodeMessage(NodeMessageKind.ToCallerError, id, "", "", StreamErrorCodes.RateLimited,
                $"Too much was sent before the stream server '{name}' was found.", default));
        }

        private void ReleasePendingLocked()
        {
            if (_pendingBytes > 0)
            {
                budget?.Release(_pendingBytes);
                _pendingBytes = 0;
            }
        }

        public void Deliver(in NodeMessage message)
        {
            if (message.Kind == NodeMessageKind.ToCallerNext)
            {
                if (!Volatile.Read(ref _done))
                {
                    // Each relayed item is counted once in the cluster, where it arrives (here, or at the host's
                    // node). Calls that moved to a peer-to-peer data channel (the browser client's peerToPeer) stop
                    // adding to it.
                    RxStreamsMetrics.RelayedItems.Add(1, new KeyValuePair<string, object?>("direction", "to_caller"));
                    sink.OnNext(message.Payload);
                }
                return;
            }
            lock (_gate)
            {
                if (_done)
                {
                    return;
                }
                _done = true;
                ReleasePendingLocked();
            }
            registry._callers.TryRemove(id, out _);
            if (message.Kind == NodeMessageKind.ToCallerComplete)
            {
                sink.OnCompleted();
            }
            else
            {
                sink.OnError(message.Code, message.Message);
            }
        }
    }

    /// <summary>The host's end: a stream opened to the hosting client, its answers sent back to the caller's node.</summary>
    internal sealed class HostedProxy(StreamServerRegistry registry, string id, string replyNode, LocalServer server) : IServerStreamCallbacks
    {
        private int _done;

        public string Id => id;

        public LocalServer Server => server;

        public IServerStreamHandle? Handle { get; set; }

        public void Deliver(in NodeMessage message)
        {
            switch (message.Kind)
            {
                case NodeMessageKind.ToHostNext:
                    RxStreamsMetrics.RelayedItems.Add(1, new KeyValuePair<string, object?>("direction", "to_host"));
                    Handle?.Next(message.Payload.Span);
                    break;
                case NodeMessageKind.ToHostComplete:
                    Handle?.Complete();
                    break;
                case NodeMessageKind.ToHostCancel:
                    if (End())
                    {
                        Handle?.Cancel();
                    }
                    break;
            }
        }

        public void OnNext(ReadOnlyMemory<byte> payload)
        {
            if (Volatile.Read(ref _done) == 0)
            {
                registry.Send(replyNode, NodeMessage.Simple(NodeMessageKind.ToCallerNext, id, payload.Span), id);
            }
        }

        public void OnCompleted()
        {
            if (End())
            {
                registry.Send(replyNode, NodeMessage.Simple(NodeMessageKind.ToCallerComplete, id), id);
            }
        }

        public void OnError(string code, string message)
        {
            if (End())
            {
                registry.Send(replyNode, NodeMessage.Error(id, code, message), id);
            }
        }

        private bool End()
        {
            if (Interlocked.Exchange(ref _done, 1) != 0)
            {
                return false;
            }
            registry._hosted.TryRemove(id, out _);
            return true;
        }
    }

    /// <summary>A name this node owns, served by one of its client connections; disposing it frees the name.</summary>
    internal sealed class LocalServer(StreamServerRegistry registry, string name, IServerHostConnection connection, IAsyncDisposable lease) : IAsyncDisposable
    {
        private int _disposed;

        public IServerHostConnection Connection => connection;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }
            registry._local.TryRemove(KeyValuePair.Create(name, this));
            // Free the name first, so a caller told that the server is gone can serve the name at once.
            try
            {
                await lease.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                // Everyone connected to it learns it is gone (other nodes also see the name leave).
                foreach (var hosted in registry._hosted.Values.Where(h => h.Server == this).ToList())
                {
                    hosted.OnError(StreamErrorCodes.ServerGone, $"The client hosting '{name}' stopped serving it.");
                    hosted.Handle?.Cancel();
                }
                ServersLog.Stopped(registry._hub.Logger, name);
            }
        }
    }

    /// <summary>Answers of a client-hosted server, deserialized for server code.</summary>
    private sealed class TypedSink<T>(IStreamSerializer<T> serializer, IObserver<T> observer) : IProxySink
    {
        public void OnNext(ReadOnlyMemory<byte> payload)
        {
            T value;
            try
            {
                value = StreamSerializer.Deserialize(serializer, payload.Span);
            }
            catch (StreamSerializationException e)
            {
                observer.OnError(e);
                return;
            }
            observer.OnNext(value);
        }

        public void OnCompleted() => observer.OnCompleted();

        public void OnError(string code, string message) => observer.OnError(new StreamException(code, message));
    }
}
