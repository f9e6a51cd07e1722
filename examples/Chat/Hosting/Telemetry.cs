using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using RxStreams.AspNetCore.HealthChecks;
using RxStreams.Diagnostics;

namespace Chat.Hosting;

/// <summary>
/// How the chat is run in production: OpenTelemetry metrics and traces (RxStreams' own <c>RxStreams</c> meter and
/// activity source, ASP.NET Core's and the runtime's), a Prometheus scrape endpoint, OTLP export when an endpoint is
/// configured, and the RxStreams health checks at <c>/health/ready</c> and <c>/health/live</c>. Settings, under
/// <c>Telemetry</c> (appsettings.json or <c>--Telemetry:…=…</c> on the command line):
/// <list type="bullet">
/// <item><c>Telemetry:PrometheusPath</c>: where Prometheus scrapes, default <c>/metrics</c>; empty turns it off.</item>
/// <item><c>Telemetry:PrometheusPort</c>: serve the scrape endpoint only on this port (listen on it too, with
/// <c>--urls</c>), so it need not be reachable where the chat is; default: any port.</item>
/// <item><c>Telemetry:OtlpEndpoint</c>: an OTLP collector (e.g. <c>http://localhost:4317</c>) to push traces and
/// metrics to; the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable works too. Default: none.</item>
/// </list>
/// See docs/operations.md.
/// </summary>
internal static class Telemetry
{
    /// <summary>The service name on every metric and span.</summary>
    public const string ServiceName = "rxstreams-chat";

    /// <summary>Registers OpenTelemetry (metrics and traces) and the health checks.</summary>
    public static void AddChatTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var otlp = configuration["Telemetry:OtlpEndpoint"] is { Length: > 0 } endpoint ? new Uri(endpoint, UriKind.Absolute) : null;
        var otlpFromEnvironment = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"));
        var prometheus = PrometheusPath(configuration) is not null;

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(RxStreamsMetrics.Name, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime");
                if (prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
                if (otlp is not null || otlpFromEnvironment)
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = otlp ?? o.Endpoint);
                }
            })
            .WithTracing(tracing =>
            {
                // RxStreams' activity source: a span per stream (rxstreams.stream) and per request (rxstreams.invoke),
                // under the WebSocket's HTTP request span.
                tracing.AddSource(RxStreamsMetrics.Name, "Microsoft.AspNetCore");
                if (otlp is not null || otlpFromEnvironment)
                {
                    tracing.AddOtlpExporter(o => o.Endpoint = otlp ?? o.Endpoint);
                }
            });

        builder.Services.AddHealthChecks().AddRxStreams();
    }

    /// <summary>Maps the Prometheus scrape endpoint (if on) and the health endpoints.</summary>
    public static void MapChatTelemetry(this WebApplication app)
    {
        if (PrometheusPath(app.Configuration) is { } path)
        {
            var scrape = app.MapPrometheusScrapingEndpoint(path).AllowAnonymous();
            if (app.Configuration["Telemetry:PrometheusPort"] is { Length: > 0 } port)
            {
                if (!ushort.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number == 0)
                {
                    throw new ChatSettingsException($"Telemetry:PrometheusPort must be a port number from 1 to 65535 (it is '{port}').");
                }
                scrape.RequireHost("*:" + port);
            }
        }
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(RxStreamsHealthChecksBuilderExtensions.ReadyTag) }).AllowAnonymous();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains(RxStreamsHealthChecksBuilderExtensions.LiveTag) }).AllowAnonymous();
    }

    private static string? PrometheusPath(IConfiguration configuration)
    {
        var path = configuration["Telemetry:PrometheusPath"] ?? "/metrics";
        if (path.Length == 0)
        {
            return null;
        }
        return path.StartsWith('/') ? path : throw new ChatSettingsException($"Telemetry:PrometheusPath must start with '/' (it is '{path}'), or be empty to turn the scrape endpoint off.");
    }
}
