using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RxStreams.Diagnostics;

/// <summary>
/// The "RxStreams" <see cref="Meter"/> and <see cref="ActivitySource"/>. Listen with
/// <c>dotnet-counters monitor --counters RxStreams</c> or OpenTelemetry's <c>AddMeter("RxStreams")</c>.
/// </summary>
public static class RxStreamsMetrics
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "RxStreams";

    internal static readonly Meter Meter = new(Name, typeof(RxStreamsMetrics).Assembly.GetName().Version?.ToString());

    /// <summary>Activities for stream opens and RPC calls.</summary>
    public static readonly ActivitySource ActivitySource = new(Name, typeof(RxStreamsMetrics).Assembly.GetName().Version?.ToString());

    internal static readonly UpDownCounter<long> Connections = Meter.CreateUpDownCounter<long>("rxstreams.connections", "{connection}", "Open client connections.");
    internal static readonly UpDownCounter<long> OpenStreams = Meter.CreateUpDownCounter<long>("rxstreams.streams", "{stream}", "Open logical streams.");
    internal static readonly Counter<long> FramesIn = Meter.CreateCounter<long>("rxstreams.frames.received", "{frame}", "Frames received.");
    internal static readonly Counter<long> FramesOut = Meter.CreateCounter<long>("rxstreams.frames.sent", "{frame}", "Frames sent.");
    internal static readonly Counter<long> BytesIn = Meter.CreateCounter<long>("rxstreams.bytes.received", "By", "WebSocket payload bytes received.");
    internal static readonly Counter<long> BytesOut = Meter.CreateCounter<long>("rxstreams.bytes.sent", "By", "WebSocket payload bytes sent.");
    internal static readonly UpDownCounter<long> SendQueueBytes = Meter.CreateUpDownCounter<long>("rxstreams.send_queue.bytes", "By", "Bytes queued for sending, over all connections.");
    internal static readonly Counter<long> Drops = Meter.CreateCounter<long>("rxstreams.drops", "{event}", "Streams or connections ended for a limit: slow consumer, rate limit, oversized frame.");
    internal static readonly Counter<long> SubscriberErrors = Meter.CreateCounter<long>("rxstreams.subscriber.errors", "{error}", "Subscribers detached because they threw.");
    internal static readonly Counter<long> BackplaneRoundTrips = Meter.CreateCounter<long>("rxstreams.backplane.round_trips", "{command}", "Commands sent to the backplane (Redis).");
    internal static readonly Counter<long> RelayedItems = Meter.CreateCounter<long>("rxstreams.servers.relayed", "{item}", "Items relayed between client-hosted stream servers and their callers, counted where each arrives (tag direction: to_host, to_caller).");
    internal static readonly Counter<long> PublishFailures = Meter.CreateCounter<long>("rxstreams.publish.failures", "{error}", "Fire-and-forget publishes that failed.");
}
