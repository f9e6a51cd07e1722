using Microsoft.Extensions.Diagnostics.HealthChecks;
using RxStreams.AspNetCore.Connections;

namespace RxStreams.AspNetCore.HealthChecks;

/// <summary>
/// Readiness: whether this node keeps up with its clients. A connection whose send queue holds more than
/// <see cref="RxStreamsHealthCheckOptions.SaturatedQueueFraction"/> of <see cref="RxStreamsOptions.MaxPendingBytesPerConnection"/>
/// is saturated (near the point where it is ended as a slow consumer). One such client is its own problem: Degraded.
/// Many at once (<see cref="RxStreamsHealthCheckOptions.UnhealthySaturatedConnections"/> and
/// <see cref="RxStreamsHealthCheckOptions.UnhealthySaturatedShare"/>) means the node's CPU or network cannot keep up:
/// Unhealthy, so the balancer sends new clients elsewhere.
/// </summary>
internal sealed class SendQueueHealthCheck(StreamConnectionHandler handler, RxStreamsHealthCheckOptions options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var limit = handler.Options.MaxPendingBytesPerConnection;
        var threshold = (long)(limit * options.SaturatedQueueFraction);
        var connections = 0;
        var saturated = 0;
        long queued = 0;
        long largest = 0;
        foreach (var connection in handler.Connections)
        {
            var pending = connection.Outbound.PendingBytes;
            connections++;
            queued += pending;
            largest = Math.Max(largest, pending);
            if (pending > threshold)
            {
                saturated++;
            }
        }
        var data = new Dictionary<string, object>
        {
            ["connections"] = connections,
            ["saturated_connections"] = saturated,
            ["queued_bytes"] = queued,
            ["largest_queue_bytes"] = largest,
            ["saturated_above_bytes"] = threshold,
            ["max_pending_bytes_per_connection"] = limit,
        };
        if (saturated == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"{connections} connections, {queued} bytes queued; none above {threshold} bytes.", data));
        }
        var description = $"{saturated} of {connections} connections have more than {threshold} bytes queued (the largest {largest} of at most {limit}).";
        return Task.FromResult(saturated >= options.UnhealthySaturatedConnections && saturated >= options.UnhealthySaturatedShare * connections
            ? new HealthCheckResult(context.Registration.FailureStatus, description + " The node does not keep up with its clients.", data: data)
            : HealthCheckResult.Degraded(description, data: data));
    }
}
