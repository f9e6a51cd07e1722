using System.Net;
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
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int[] _backends;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;

    public FrontDoor(params int[] backendPorts)
    {
        _backends = backendPorts;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>http://127.0.0.1:port</summary>
    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ServeAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        TcpClient? backend = null;
        foreach (var port in _backends)
        {
            var candidate = new TcpClient();
            try
            {
                await candidate.ConnectAsync(IPAddress.Loopback, port, _stop.Token);
                backend = candidate;
                break;
            }
            catch (SocketException)
            {
                candidate.Dispose();
            }
        }
        if (backend is null)
        {
            return;
        }
        using var server = backend;
        lock (_open)
        {
            _open.Add(client);
            _open.Add(server);
        }
        try
        {
            var up = client.GetStream().CopyToAsync(server.GetStream(), _stop.Token);
            var down = server.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
            await Task.WhenAny(up, down);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        finally
        {
            lock (_open)
            {
                _open.Remove(client);
                _open.Remove(server);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_open)
        {
            _open.ForEach(c => c.Dispose());
        }
        await _accepting;
        _stop.Dispose();
    }
}
