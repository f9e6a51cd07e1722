using Microsoft.Extensions.Diagnostics.HealthChecks;
using RxStreams.Backplanes;

namespace RxStreams.AspNetCore.HealthChecks;

/// <summary>
/// Readiness: one cheap round trip to the backplane (<see cref="StreamBackplane.PingAsync"/>: a <c>PING</c> to Redis;
/// the in-memory backplane always answers), bounded by <see cref="RxStreamsHealthCheckOptions.BackplaneTimeout"/>.
/// While it fails, durable publishes, presence and cross-node delivery fail too: new clients are better sent elsewhere.
/// </summary>
internal sealed class BackplaneHealthCheck(StreamBackplane backplane, RxStreamsHealthCheckOptions options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["backplane"] = backplane.Name };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.BackplaneTimeout);
        try
        {
            var roundTrip = await backplane.PingAsync(timeout.Token).ConfigureAwait(false);
            data["round_trip_ms"] = roundTrip.TotalMilliseconds;
            return HealthCheckResult.Healthy($"The {backplane.Name} backplane answered in {roundTrip.TotalMilliseconds:0.#} ms.", data);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus,
                $"The {backplane.Name} backplane did not answer within {options.BackplaneTimeout.TotalMilliseconds:0} ms (RxStreamsHealthCheckOptions.BackplaneTimeout).", data: data);
        }
        catch (Exception e) when (e is BackplaneUnavailableException or ObjectDisposedException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The {backplane.Name} backplane cannot be reached: {e.Message}", e, data);
        }
    }
}
