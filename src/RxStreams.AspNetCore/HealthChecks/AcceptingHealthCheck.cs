using Microsoft.Extensions.Diagnostics.HealthChecks;
using RxStreams.AspNetCore.Connections;

namespace RxStreams.AspNetCore.HealthChecks;

/// <summary>
/// Readiness: Unhealthy from the moment the node starts draining, when the application starts stopping (the RxStreams
/// endpoint then refuses new connections with 503 and Retry-After, tells the open ones to move with
/// <c>server_shutting_down</c> and closes them once their requests in flight are answered, see
/// <see cref="RxStreamsOptions.DrainTimeout"/>), so a balancer stops sending clients to a node that is going away
/// before it is gone.
/// </summary>
internal sealed class AcceptingHealthCheck(StreamConnectionHandler handler) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(handler.IsDraining
            ? new HealthCheckResult(context.Registration.FailureStatus, "The application is stopping: this node accepts no new RxStreams connections.")
            : HealthCheckResult.Healthy("Accepting connections."));
}
