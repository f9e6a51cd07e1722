using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace RxStreams.AspNetCore.HealthChecks;

/// <summary>
/// Readiness: Unhealthy from the moment the application starts stopping (the RxStreams endpoint then refuses new
/// connections with 503 and ends the open ones with <c>server_shutting_down</c>), so a balancer stops sending
/// clients to a node that is going away before it is gone.
/// </summary>
internal sealed class AcceptingHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? new HealthCheckResult(context.Registration.FailureStatus, "The application is stopping: this node accepts no new RxStreams connections.")
            : HealthCheckResult.Healthy("Accepting connections."));
}
