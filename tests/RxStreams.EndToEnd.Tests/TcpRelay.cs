using System.Net;
using System.Net.Sockets;

namespace RxStreams.EndToEnd.Tests;

/// <summary>
/// A TCP listener on loopback that relays each accepted connection to a backend the owner chooses, byte for byte, until
/// either side closes it; disposing it cuts every open connection. <see cref="FrontDoor"/> and
/// <see cref="Scaling.ReadinessBalancer"/> are its two policies for choosing the backend.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Func<CancellationToken, Task<TcpClient?>> _connect;
    private readonly Task _accepting;

    /// <param name="connect">Connects to the backend for a new connection, or null to refuse it (it is closed).</param>
    public TcpRelay(Func<CancellationToken, Task<TcpClient?>> connect)
    {
        _connect = connect;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The port it listens on.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Cancelled when the relay is disposed.</summary>
    public CancellationToken Stopping => _stop.Token;

    /// <summary>A client connected to <paramref name="port"/> on loopback, or null when nothing accepts there.</summary>
    public static async Task<TcpClient?> TryConnectAsync(int port, CancellationToken cancellationToken)
    {
        var candidate = new TcpClient();
        try
        {
            await candidate.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return candidate;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            candidate.Dispose();
            return null;
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = RelayAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var _ = client;
        using var server = await _connect(_stop.Token);
        if (server is null)
        {
            return;
        }
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
