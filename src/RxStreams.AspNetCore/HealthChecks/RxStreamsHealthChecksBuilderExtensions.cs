using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using RxStreams.AspNetCore.Connections;
using RxStreams.Backplanes;

namespace RxStreams.AspNetCore.HealthChecks;

/// <summary>Adds the RxStreams health checks to ASP.NET Core's (<c>services.AddHealthChecks()</c>).</summary>
public static class RxStreamsHealthChecksBuilderExtensions
{
    /// <summary>The tag of the checks that say whether this node should get new clients (map them at <c>/health/ready</c>).</summary>
    public const string ReadyTag = "ready";

    /// <summary>The tag of the checks that say whether this process is alive (map them at <c>/health/live</c>).</summary>
    public const string LiveTag = "live";

    /// <summary>The name of the backplane check (tagged <see cref="ReadyTag"/>).</summary>
    public const string BackplaneCheck = "rxstreams.backplane";

    /// <summary>The name of the send-queue check (tagged <see cref="ReadyTag"/>).</summary>
    public const string SendQueuesCheck = "rxstreams.send_queues";

    /// <summary>The name of the check that fails once the application is stopping (tagged <see cref="ReadyTag"/>).</summary>
    public const string AcceptingCheck = "rxstreams.accepting";

    /// <summary>The name of the liveness check (tagged <see cref="LiveTag"/>).</summary>
    public const string HostCheck = "rxstreams.host";

    /// <summary>
    /// Adds four checks, each also tagged <c>rxstreams</c>: <see cref="BackplaneCheck"/> (a round trip to the backplane
    /// within a timeout), <see cref="SendQueuesCheck"/> (the node keeps up with its clients), <see cref="AcceptingCheck"/>
    /// (the application is not stopping), all tagged <see cref="ReadyTag"/>; and <see cref="HostCheck"/>, tagged
    /// <see cref="LiveTag"/>, which depends on nothing outside the process. Map them with
    /// <c>app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains("ready") })</c> and the same
    /// for <c>live</c>. Requires <c>services.AddRxStreams()</c>. See docs/operations.md.
    /// </summary>
    /// <param name="builder">What <c>services.AddHealthChecks()</c> returned.</param>
    /// <param name="configure">Sets the thresholds; see <see cref="RxStreamsHealthCheckOptions"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its range.</exception>
    public static IHealthChecksBuilder AddRxStreams(this IHealthChecksBuilder builder, Action<RxStreamsHealthCheckOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new RxStreamsHealthCheckOptions();
        configure?.Invoke(options);
        options.Validate();
        string[] ready = [ReadyTag, "rxstreams"];
        string[] live = [LiveTag, "rxstreams"];
        // The backplane check bounds its own wait (and reports what it waited for); the service's timeout is a backstop.
        builder.Add(new HealthCheckRegistration(BackplaneCheck, sp => Create(sp, () => new BackplaneHealthCheck(sp.GetRequiredService<StreamBackplane>(), options)),
            HealthStatus.Unhealthy, ready, options.BackplaneTimeout * 2));
        builder.Add(new HealthCheckRegistration(SendQueuesCheck, sp => Create(sp, () => new SendQueueHealthCheck(sp.GetRequiredService<StreamConnectionHandler>(), options)),
            HealthStatus.Unhealthy, ready));
        builder.Add(new HealthCheckRegistration(AcceptingCheck, sp => Create(sp, () => new AcceptingHealthCheck(sp.GetRequiredService<StreamConnectionHandler>())),
            HealthStatus.Unhealthy, ready));
        builder.Add(new HealthCheckRegistration(HostCheck, sp => Create(sp, () => new HostHealthCheck(sp.GetRequiredService<StreamConnectionHandler>())),
            HealthStatus.Unhealthy, live));
        return builder;
    }

    private static IHealthCheck Create(IServiceProvider services, Func<IHealthCheck> create)
        => services.GetService<RxStreamsMarkerService>() is null ? NotRegistered.Instance : create();

    /// <summary>What every RxStreams check reports when <c>AddRxStreams()</c> was not called.</summary>
    private sealed class NotRegistered : IHealthCheck
    {
        public static readonly NotRegistered Instance = new();

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
            => Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus,
                "RxStreams services are not registered. Call builder.Services.AddRxStreams() in Program.cs."));
    }
}
