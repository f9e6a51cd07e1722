using System.Net.WebSockets;
using RxStreams.Transport;

namespace RxStreams.Client;

/// <summary>One WebSocket of the client: its send queue and the streams open on it, by wire id.</summary>
internal sealed class ClientConnection(ClientWebSocket socket, int maxMessageSize)
{
    private readonly Dictionary<uint, ClientStreamBase> _streams = [];
    private readonly Dictionary<uint, HostedCall> _calls = [];
    private uint _lastCallId;
    private uint _nextId = 1;

    public ClientWebSocket Socket => socket;

    public FrameQueue Sender { get; } = new(socket, maxMessageSize);

    /// <summary>What the server answered in the handshake.</summary>
    public ClientWelcome Welcome { get; set; }

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

    /// <summary>Registers a call the server opened (even id); false for an id not above the last one (a protocol error).</summary>
    public bool TryAddCall(uint id, HostedCall call)
    {
        lock (_streams)
        {
            if (id <= _lastCallId)
            {
                return false;
            }
            _lastCallId = id;
            _calls[id] = call;
            return true;
        }
    }

    /// <summary>The live call with this id; <paramref name="late"/> tells an ended call from one never opened.</summary>
    public HostedCall? FindCall(uint id, out bool late)
    {
        lock (_streams)
        {
            late = id <= _lastCallId;
            return _calls.GetValueOrDefault(id);
        }
    }

    public void ForgetCall(uint id)
    {
        lock (_streams)
        {
            _calls.Remove(id);
        }
    }

    public HostedCall[] Calls()
    {
        lock (_streams)
        {
            return [.. _calls.Values];
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
