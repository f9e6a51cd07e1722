using System.Buffers;
using System.Net.WebSockets;
using RxStreams.Protocol;
using RxStreams.Servers;

namespace RxStreams.AspNetCore.Connections;

/// <summary>
/// The streams the server opens to a client that hosts a named stream server, one per caller: even ids, OPEN sent by
/// the server, the client's NEXT/COMPLETE/ERROR frames on them routed back to the caller's callbacks. When the hosting
/// client goes, every caller hears <c>server_gone</c>.
/// </summary>
internal sealed class HostedCallStreams
{
    private readonly StreamConnection _connection;
    private readonly RxStreamsOptions _options;
    private readonly object _gate = new();
    // Created when first needed: most connections host no server.
    private Dictionary<uint, HostedCallStream>? _streams;
    private uint _lastId;

    public HostedCallStreams(StreamConnection connection, RxStreamsOptions options)
    {
        _connection = connection;
        _options = options;
    }

    /// <summary>Opens a stream to the hosting client on <paramref name="route"/>, for a caller represented by <paramref name="callbacks"/>.</summary>
    public IHostedCallHandle Open(string route, IHostedCallCallbacks callbacks)
    {
        HostedCallStream stream;
        lock (_gate)
        {
            // The connection marks itself closing before it ends these streams (EndAll): checked under the same lock,
            // a stream opened now is either refused here or ended there.
            if (_connection.IsClosing)
            {
                callbacks.OnError(StreamErrorCodes.ServerGone, "The client hosting the server disconnected.");
                return HostedCallStream.Closed;
            }
            _lastId += 2;
            stream = new HostedCallStream(this, _lastId, callbacks);
            (_streams ??= []).Add(stream.Id, stream);
        }
        _connection.Outbound.Enqueue((stream.Id, route), static (output, s) =>
            FrameWriter.WriteOpen(output, s.Id, s.route, null, ProtocolConstants.UnboundedCredits, default, false));
        return stream;
    }

    /// <summary>A frame the hosting client sent on an even (server-opened) stream id.</summary>
    public void Answer(in Frame frame, bool withinRate)
    {
        HostedCallStream? stream;
        bool neverOpened;
        lock (_gate)
        {
            stream = null;
            neverOpened = _streams?.TryGetValue(frame.StreamId, out stream) != true && frame.StreamId > _lastId;
            if (stream is not null && frame.Type != FrameType.Next)
            {
                _streams!.Remove(frame.StreamId);
            }
        }
        if (neverOpened)
        {
            _connection.Close(StreamErrorCodes.ProtocolError, $"Stream {frame.StreamId} was never opened by the server.", WebSocketCloseStatus.ProtocolError);
        }
        if (stream is null)
        {
            return; // late (the caller went away meanwhile), or never opened
        }
        switch (frame.Type)
        {
            case FrameType.Next when !withinRate:
                // A hosted server answering faster than the rate: its caller learns why, the host stops serving it.
                stream.Callbacks.OnError(StreamErrorCodes.RateLimited, $"The stream server sent more than {_options.MaxMessagesPerSecond} frames per second.");
                stream.Cancel();
                break;
            case FrameType.Next:
                stream.Callbacks.OnNext(frame.Payload.ToArray());
                break;
            case FrameType.Complete:
                stream.Callbacks.OnCompleted();
                break;
            default:
                stream.Callbacks.OnError(frame.Code ?? StreamErrorCodes.HandlerError, frame.Message ?? "");
                break;
        }
    }

    /// <summary>The hosting client is gone: every caller hears <c>server_gone</c>.</summary>
    public void EndAll()
    {
        HostedCallStream[] streams;
        lock (_gate)
        {
            streams = _streams is { } open ? [.. open.Values] : [];
            _streams?.Clear();
        }
        foreach (var stream in streams)
        {
            stream.Callbacks.OnError(StreamErrorCodes.ServerGone, "The client hosting the server disconnected.");
        }
    }

    private bool Forget(uint id)
    {
        lock (_gate)
        {
            return _streams?.Remove(id) == true;
        }
    }

    /// <summary>A stream the server opened to the hosting client, as the proxy of a caller's stream.</summary>
    private sealed class HostedCallStream(HostedCallStreams? owner, uint id, IHostedCallCallbacks callbacks) : IHostedCallHandle
    {
        public static readonly HostedCallStream Closed = new(null, 0, null!);

        public uint Id => id;

        public IHostedCallCallbacks Callbacks => callbacks;

        public void Next(ReadOnlySpan<byte> payload)
        {
            if (owner is not null)
            {
                // A caller's input for the hosting client counts against that client's pending limit.
                owner._connection.EnqueueNext(id, null, payload);
                owner._connection.CheckPending();
            }
        }

        public void Complete() => owner?._connection.EnqueueComplete(id);

        public void Cancel()
        {
            if (owner is not null && owner.Forget(id))
            {
                owner._connection.Outbound.Enqueue(id, static (output, i) => FrameWriter.WriteCancel(output, i));
            }
        }
    }
}
