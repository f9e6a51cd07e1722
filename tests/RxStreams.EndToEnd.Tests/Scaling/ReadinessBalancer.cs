using System.Net;
using System.Net.Sockets;

namespace RxStreams.EndToEnd.Tests.Scaling;

/// <summary>
/// A non-sticky TCP load balancer as a deployment has one: each new connection goes to the next backend in turn (round
/// robin) among those whose readiness endpoint (<c>/health/ready</c>) answered 200 at its last probe (every 100 ms),
/// and stays there until either side closes it. A node that starts draining fails its probe, so it stops getting new
/// connections; one that is not ready yet gets none.
/// </summary>
public sealed class ReadinessBalancer : IAsyncDisposable
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(100);
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<int, bool> _backends = [];
    private readonly List<TcpClient> _open = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly Task _accepting;
    private readonly Task _probing;
    private int _next;

    public ReadinessBalancer(params int[] backendPorts)
    {
        foreach (var port in backendPorts)
        {
            _backends[port] = false;
        }
        _listener.Start();
        _accepting = AcceptAsync();
        _probing = ProbeAsync();
    }

    /// <summary>The RxStreams endpoint through the balancer: ws://127.0.0.1:port/rx.</summary>
    public Uri Endpoint => new($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/rx");

    /// <summary>Adds a backend; it gets connections once its probe says ready.</summary>
    public void Add(int port)
    {
        lock (_backends)
        {
            _backends.TryAdd(port, false);
        }
    }

    /// <summary>Removes a backend (its open connections stay until they close).</summary>
    public void Remove(int port)
    {
        lock (_backends)
        {
            _backends.Remove(port);
        }
    }

    /// <summary>True when the last probe of <paramref name="port"/> found it ready.</summary>
    public bool IsReady(int port)
    {
        lock (_backends)
        {
            return _backends.GetValueOrDefault(port);
        }
    }

    private async Task ProbeAsync()
    {
        using var timer = new PeriodicTimer(ProbeInterval);
        try
        {
            do
            {
                int[] ports;
                lock (_backends)
                {
                    ports = [.. _backends.Keys];
                }
                var results = await Task.WhenAll(ports.Select(async port => (port, ready: await ReadyAsync(port))));
                lock (_backends)
                {
                    foreach (var (port, ready) in results)
                    {
                        if (_backends.ContainsKey(port))
                        {
                            _backends[port] = ready;
                        }
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<bool> ReadyAsync(int port)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{port}/health/ready"), _stop.Token);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private int? Pick()
    {
        lock (_backends)
        {
            var ready = _backends.Where(b => b.Value).Select(b => b.Key).Order().ToArray();
            return ready.Length == 0 ? null : ready[_next++ % ready.Length];
        }
    }

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
        if (Pick() is not { } port)
        {
            return; // no backend ready: the connection is refused (closed), as a balancer with no healthy target does
        }
        using var server = new TcpClient();
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, port, _stop.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
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
        await _probing;
        _http.Dispose();
        _stop.Dispose();
    }
}
