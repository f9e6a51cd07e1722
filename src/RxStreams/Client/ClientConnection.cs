using System.Net.WebSockets;
using RxStreams.Transport;

namespace RxStreams.Client;

/// <summary>One WebSocket of the client: its send queue and the streams open on it, by wire id.</summary>
internal sealed class ClientConnection(ClientWebSocket socket, int maxMessageSize)
{
    private readonly Dictionary<uint, ClientStreamBase> _streams = [];
    private uint _nextId = 1;

    public ClientWebSocket Socket => socket;

    public FrameQueue Sender { get; } = new(socket, maxMessageSize);

    /// <summary>Gives the stream the next client (odd) id on this connection.</summary>
    public uint Register(ClientStreamBase stream)
    {
        lock (_streams)
        {
            var id = _nextId;
            _nextId += 2;
            _streams[id] = stream;
            return id;
        }
    }

    public void Unregister(uint id)
    {
        lock (_streams)
        {
            _streams.Remove(id);
        }
    }

    public ClientStreamBase? Find(uint id)
    {
        lock (_streams)
        {
            return _streams.GetValueOrDefault(id);
        }
    }

    public ClientStreamBase[] Streams()
    {
        lock (_streams)
        {
            return [.. _streams.Values];
        }
    }
}
