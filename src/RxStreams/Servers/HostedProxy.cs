using RxStreams.Diagnostics;
using RxStreams.Routing;

namespace RxStreams.Servers;

/// <summary>The host's end: a stream opened to the hosting client, its answers sent back to the caller's node.</summary>
internal sealed class HostedProxy(HostedServerRegistry registry, string id, string replyNode, LocalServer server) : IHostedCallCallbacks
{
    private int _done;

    public string Id => id;

    public LocalServer Server => server;

    public IHostedCallHandle? Handle { get; set; }

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
        registry.ForgetHosted(id);
        return true;
    }
}
