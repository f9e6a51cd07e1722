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
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<int, bool> _backends = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly TcpRelay _relay;
    private readonly Task _probing;
    private int _next;

    public ReadinessBalancer(params int[] backendPorts)
    {
        foreach (var port in backendPorts)
        {
            _backends[port] = false;
        }
        // No backend ready: the connection is refused (closed), as a balancer with no healthy target does.
        _relay = new TcpRelay(cancellationToken => Pick() is { } port ? TcpRelay.TryConnectAsync(port, cancellationToken) : Task.FromResult<TcpClient?>(null));
        _probing = ProbeAsync();
    }

    /// <summary>The RxStreams endpoint through the balancer: ws://127.0.0.1:port/rx.</summary>
    public Uri Endpoint => new($"ws://127.0.0.1:{_relay.Port}/rx");

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

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _relay.DisposeAsync();
        await _probing;
        _http.Dispose();
        _stop.Dispose();
    }
}
