using System.Buffers;
using System.Reactive.Disposables;
using RxStreams.Protocol;
using RxStreams.Routing;
using RxStreams.Serialization;

namespace RxStreams.Client;

/// <summary>A stream server this client hosts: each stream the server opens to it on the name is one call.</summary>
internal interface IHostedServer
{
    /// <summary>A caller connected: the server opened stream <paramref name="id"/> on <paramref name="connection"/>.</summary>
    HostedCall Accept(ClientConnection connection, uint id);
}

internal sealed class HostedServer<TIn, TOut>(Func<IObservable<TIn>, IObservable<TOut>> onConnection) : IHostedServer
{
    private readonly IStreamSerializer<TIn> _in = StreamSerializer.Get<TIn>();
    private readonly IStreamSerializer<TOut> _out = StreamSerializer.Get<TOut>();

    public HostedCall Accept(ClientConnection connection, uint id)
    {
        var call = new HostedCall(connection, id);
        try
        {
            var output = onConnection(call.Input.As(_in));
            call.Start(output.Subscribe(
                value => call.Send(StreamSerializer.SerializeToArray(_out, value)),
                call.Fail,
                call.Complete));
        }
        catch (Exception e)
        {
            call.Fail(e);
        }
        return call;
    }
}

/// <summary>One caller of a hosted server: its input arrives as NEXT frames, the answers go back as NEXT, then COMPLETE or ERROR.</summary>
internal sealed class HostedCall(ClientConnection connection, uint id)
{
    private readonly SingleAssignmentDisposable _subscription = new();
    private int _ended;

    public StreamInput Input { get; } = new();

    public void Start(IDisposable subscription) => _subscription.Disposable = subscription;

    /// <summary>
    /// The first item a browser caller sends when it asks for <c>peerToPeer</c> (docs/protocol.md 7.9). This client
    /// keeps the relay: it does not answer, so the caller stays on the relay, and the hello is not the handler's input.
    /// </summary>
    private static ReadOnlySpan<byte> PeerHello => "{\"$rxPeer\":\"hello\"}"u8;

    public void OnInput(in ReadOnlySequence<byte> payload)
    {
        if (IsPeerHello(payload))
        {
            return;
        }
        try
        {
            Input.OnPayload(payload);
        }
        catch (StreamException e)
        {
            Fail(e);
        }
    }

    private static bool IsPeerHello(in ReadOnlySequence<byte> payload)
    {
        if (payload.Length != PeerHello.Length)
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[PeerHello.Length];
        payload.CopyTo(bytes);
        return bytes.SequenceEqual(PeerHello);
    }

    public void Send(byte[] payload)
    {
        if (FrameSize.Check(FrameWriter.GetNextFrameLength(id, null, payload.Length), connection.Sender.MaxMessageSize, "An answer") is { } tooLarge)
        {
            Fail(tooLarge); // only this call ends: its caller gets frame_too_large
            return;
        }
        if (Volatile.Read(ref _ended) == 0)
        {
            connection.Sender.Enqueue((id, payload), static (output, s) => FrameWriter.WriteNext(output, s.id, null, s.payload));
        }
    }

    public void Complete()
    {
        if (End())
        {
            connection.Sender.Enqueue(id, static (output, i) => FrameWriter.WriteComplete(output, i));
        }
    }

    public void Fail(Exception error)
    {
        if (End())
        {
            var (code, message) = error is StreamException se ? (se.Code, se.Message) : (StreamErrorCodes.HandlerError, error.Message);
            connection.Sender.Enqueue((id, code, message), static (output, s) => FrameWriter.WriteError(output, s.id, s.code, s.message));
        }
    }

    /// <summary>The caller went away (CANCEL), or the connection did: stop, send nothing.</summary>
    public void Cancel()
    {
        if (End())
        {
            Input.OnCompleted();
        }
    }

    private bool End()
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return false;
        }
        connection.ForgetCall(id);
        _subscription.Dispose();
        return true;
    }
}
