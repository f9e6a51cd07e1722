using Microsoft.Extensions.Diagnostics.HealthChecks;
using RxStreams.AspNetCore.Connections;

namespace RxStreams.AspNetCore.HealthChecks;

/// <summary>
/// Liveness: the RxStreams host of this process is set up and answers, with its connection count and queued bytes as
/// data. It deliberately depends on nothing outside the process: a node whose Redis is down or whose clients read
/// slowly recovers by itself (it reconnects, it drops slow consumers), and restarting it would only move its clients.
/// </summary>
internal sealed class HostHealthCheck(StreamConnectionHandler handler) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var connections = 0;
        var streams = 0;
        foreach (var connection in handler.Connections)
        {
            connections++;
            streams += connection.StreamCount;
        }
        return Task.FromResult(HealthCheckResult.Healthy($"{connections} connections, {streams} streams.", new Dictionary<string, object>
        {
            ["connections"] = connections,
            ["streams"] = streams,
        }));
    }
}
