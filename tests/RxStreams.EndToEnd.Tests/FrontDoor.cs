using System.Net.Sockets;

namespace RxStreams.EndToEnd.Tests;

/// <summary>
/// A minimal TCP load balancer for the scale-out test: each connection goes to the first backend of its list that
/// accepts it, and is cut when that backend goes away. The browser talks to it as to any front door; when its
/// backend stops, the page's WebSocket drops, the RxStreams client reconnects through the same door, and the
/// connection lands on the next instance. Nothing in the page knows there are several servers.
/// </summary>
public sealed class FrontDoor : IAsyncDisposable
{
    private readonly TcpRelay _relay;

    public FrontDoor(params int[] backendPorts)
    {
        _relay = new TcpRelay(async cancellationToken =>
        {
            foreach (var port in backendPorts)
            {
                if (await TcpRelay.TryConnectAsync(port, cancellationToken) is { } backend)
                {
                    return backend;
                }
            }
            return null;
        });
    }

    /// <summary>http://127.0.0.1:port</summary>
    public string Url => $"http://127.0.0.1:{_relay.Port}";

    public ValueTask DisposeAsync() => _relay.DisposeAsync();
}
