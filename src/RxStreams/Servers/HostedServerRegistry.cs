using System.Collections.Concurrent;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using RxStreams.Backplanes;
using RxStreams.Channels;
using RxStreams.Protocol;
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
internal sealed class HostedServerRegistry : IStreamServers
{
    internal const string ServerSet = "$rx:servers";
    private readonly StreamHub _hub;
    private readonly object _gate = new();
    private readonly ConcurrentDictionary<string, LocalServer> _local = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CallerProxy> _callers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HostedProxy> _hosted = new(StringComparer.Ordinal);
    private IDisposable? _listening;
    private Task? _bus;
    private readonly TaskCompletionSource _probe = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextProxy;

    public HostedServerRegistry(StreamHub hub)
    {
        _hub = hub;
        Span<byte> random = stackalloc byte[9];
        RandomNumberGenerator.Fill(random);
        NodeId = Convert.ToHexString(random).ToLowerInvariant();
    }

    /// <summary>This node's id: the data of the names it owns, and the name of its bus channel.</summary>
    public string NodeId { get; }

    private StreamBackplane Backplane => _hub.Backplane;

    /// <summary>The servers clients of this node host now, by name, with the hosting connection (the admin page).</summary>
    internal IEnumerable<(string Name, string ConnectionId)> LocalServers => _local.Select(p => (p.Key, p.Value.Connection.ConnectionId));

    /// <summary>Streams of callers on this node to servers anywhere, open now (the admin page).</summary>
    internal int CallerStreams => _callers.Count;

    /// <summary>Streams of callers anywhere to servers hosted on this node, open now (the admin page).</summary>
    internal int HostedStreams => _hosted.Count;

    private static string BusChannel(string node) => "$rx:node:" + node;

    private string ProbeId => "$probe:" + NodeId;

    /// <summary>What a server name must be (the .NET client checks the same before sending).</summary>
    public static void ValidateName(string name)
    {
        if (!ServerNames.IsValid(name))
        {
            throw new StreamException(StreamErrorCodes.BadRouteValue, ServerNames.Rule);
        }
    }

    // ---- What the proxies and local servers (CallerProxy, HostedProxy, LocalServer) tell the registry ----

    internal ILogger Logger => _hub.Logger;

    /// <summary>A caller's proxy is done: its id no longer routes answers.</summary>
    internal void ForgetCaller(string id) => _callers.TryRemove(id, out _);

    /// <summary>A call to a server hosted here is done.</summary>
    internal void ForgetHosted(string id) => _hosted.TryRemove(id, out _);

    /// <summary>A local server stopped: its name no longer routes here.</summary>
    internal void Forget(LocalServer server, string name) => _local.TryRemove(KeyValuePair.Create(name, server));

    /// <summary>The calls open now to <paramref name="server"/>.</summary>
    internal List<HostedProxy> CallsTo(LocalServer server) => [.. _hosted.Values.Where(h => h.Server == server)];

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
    public async ValueTask<IAsyncDisposable?> RegisterAsync(string name, string user, IHostingConnection connection, CancellationToken cancellationToken)
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

    internal Task EnsureBusAsync(CancellationToken cancellationToken)
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

    internal void Send(string node, byte[] message, string proxyId)
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
        hosted.Handle = server.Connection.OpenHostedCall(message.Name, hosted);
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

    internal async Task<string?> FindOwnerAsync(string name, CancellationToken cancellationToken)
        => (await Backplane.GetPresenceMemberAsync(ServerSet, name, cancellationToken).ConfigureAwait(false))?.Data;

    // ---- The two ends of a proxied stream, and a local server ----

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
