using RxStreams.Diagnostics;
using RxStreams.Routing;

namespace RxStreams.Servers;

/// <summary>The caller's end: forwards input to the host's node, delivers the answers.</summary>
internal sealed class CallerProxy(HostedServerRegistry registry, string id, string name, IProxySink sink, IMemoryBudget? budget)
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
        registry.ForgetCaller(id);
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
                // Each relayed item is counted once in the cluster, where it arrives (here, or at the host's node).
                // Calls that moved to a peer-to-peer data channel (the browser client's peerToPeer) stop adding to it.
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
        registry.ForgetCaller(id);
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
