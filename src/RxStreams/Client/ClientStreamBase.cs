using System.Buffers;
using RxStreams.Protocol;

namespace RxStreams.Client;

/// <summary>
/// A logical stream of the client, independent of any one connection: it is (re)opened on each connection with a new
/// wire id, keeps what must survive a reconnection (the last offset, input not yet sent), and turns frames into
/// notifications. Calls from the connection's receive loop are serialized; the application's calls may come from any
/// thread and take the stream's lock.
/// </summary>
internal abstract class ClientStreamBase
{
    protected ClientStreamBase(RxStreamsClient client, string route, StreamOpenOptions options)
    {
        Client = client;
        Route = route;
        Options = options;
        LastOffset = options.ResumeAfter;
    }

    protected RxStreamsClient Client { get; }

    protected object Gate { get; } = new();

    public string Route { get; }

    public StreamOpenOptions Options { get; }

    public StreamOffset? LastOffset { get; protected set; }

    /// <summary>The connection the stream is open on now, and its id there.</summary>
    protected ClientConnection? Connection { get; private set; }

    protected uint WireId { get; private set; }

    /// <summary>The payload of the OPEN frame (requests), if any.</summary>
    protected virtual ReadOnlyMemory<byte>? OpenPayload => null;

    /// <summary>Credits to grant with OPEN.</summary>
    protected virtual uint InitialCredits => Options.Credits;

    /// <summary>Opens the stream on a (new) connection and sends what waited for it.</summary>
    public void Attach(ClientConnection connection)
    {
        lock (Gate)
        {
            Connection = connection;
            WireId = connection.Register(this);
            var payload = OpenPayload;
            connection.Sender.Enqueue(new OpenFrame(WireId, Route, LastOffset, InitialCredits, payload), static (output, s) =>
                FrameWriter.WriteOpen(output, s.Id, s.Route, s.Offset, s.Credits, s.Payload is { } p ? p.Span : default, s.Payload is not null));
            OnAttachedLocked(connection);
        }
    }

    /// <summary>The connection it was open on is gone (the client reconnects and calls <see cref="Attach"/> again).</summary>
    public void Detach(ClientConnection connection)
    {
        lock (Gate)
        {
            if (Connection != connection)
            {
                return;
            }
            Connection = null;
            WireId = 0;
        }
        OnDisconnected();
    }

    /// <summary>Sends CANCEL if open, and forgets the wire id.</summary>
    protected void CancelOnWire()
    {
        lock (Gate)
        {
            if (Connection is { } connection)
            {
                var id = WireId;
                connection.Unregister(id);
                connection.Sender.Enqueue(id, static (output, i) => FrameWriter.WriteCancel(output, i));
                Connection = null;
                WireId = 0;
            }
        }
    }

    /// <summary>Forgets the wire id after the server ended the stream.</summary>
    protected void EndedOnWire()
    {
        lock (Gate)
        {
            if (Connection is { } connection)
            {
                connection.Unregister(WireId);
                Connection = null;
                WireId = 0;
            }
        }
    }

    /// <summary>Sends REQUEST n on the current connection.</summary>
    protected void RequestMore(uint n)
    {
        lock (Gate)
        {
            Connection?.Sender.Enqueue((WireId, n), static (output, s) => FrameWriter.WriteRequest(output, s.WireId, s.n));
        }
    }

    protected virtual void OnAttachedLocked(ClientConnection connection)
    {
    }

    protected virtual void OnDisconnected()
    {
    }

    public abstract void OnNextFrame(StreamOffset? offset, in ReadOnlySequence<byte> payload);

    public abstract void OnCompleteFrame();

    public abstract void OnErrorFrame(string code, string message, StreamOffset? offset);

    /// <summary>The client ends the stream on its own: it gave up reconnecting, or was disposed.</summary>
    public abstract void Abort(Exception error);

    private readonly record struct OpenFrame(uint Id, string Route, StreamOffset? Offset, uint Credits, ReadOnlyMemory<byte>? Payload);
}
