using System.Diagnostics;

namespace RxStreams.Diagnostics;

/// <summary>
/// Trace context carried with durable channel items, so a trace follows an item from its publisher through the
/// backplane to its delivery on every node. Every method first asks <see cref="ActivitySource.HasListeners"/>: with
/// nothing listening to the <c>RxStreams</c> source, publishing and delivering create nothing and allocate nothing.
/// </summary>
internal static class RxStreamsTracing
{
    /// <summary>The span of a publish to a durable channel (producer), started only inside an existing trace.</summary>
    public const string PublishSpan = "rxstreams.publish";

    /// <summary>The span of an item's fan-out on one node (consumer), a child of its publish span.</summary>
    public const string DeliverSpan = "rxstreams.deliver";

    /// <summary>The tag naming the channel on both spans.</summary>
    public const string ChannelTag = "rxstreams.channel";

    /// <summary>Whether something listens to the <c>RxStreams</c> source: without it, trace context is neither stored nor read.</summary>
    public static bool IsListening => RxStreamsMetrics.ActivitySource.HasListeners();

    /// <summary>Whether a publish here and now gets a span: something listens and the caller is in a trace.</summary>
    public static bool TracesPublish => IsListening && Activity.Current is not null;

    /// <summary>
    /// Starts the publish span of an item of <paramref name="channel"/> when something listens and the caller is in a
    /// trace (a publish outside any trace starts none, rather than a trace of its own); null otherwise.
    /// </summary>
    public static Activity? StartPublish(string channel)
    {
        if (!TracesPublish)
        {
            return null;
        }
        var activity = RxStreamsMetrics.ActivitySource.StartActivity(PublishSpan, ActivityKind.Producer);
        activity?.SetTag(ChannelTag, channel);
        return activity;
    }

    /// <summary>
    /// The W3C <c>traceparent</c> of the current span, for a backplane to store with the item being appended: only when
    /// something listens and the current span is recorded; null otherwise (the item is stored as without tracing).
    /// </summary>
    public static string? CurrentTraceParent()
        => IsListening && Activity.Current is { IdFormat: ActivityIdFormat.W3C, Recorded: true } current
            ? current.Id
            : null;

    /// <summary>Starts the delivery span of an item that carried <paramref name="traceParent"/>, as its child; null when there is nothing to do.</summary>
    public static Activity? StartDeliver(string? traceParent, string channel)
    {
        if (traceParent is null || !IsListening
            || !ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent))
        {
            return null;
        }
        var activity = RxStreamsMetrics.ActivitySource.StartActivity(DeliverSpan, ActivityKind.Consumer, parent);
        activity?.SetTag(ChannelTag, channel);
        return activity;
    }
}
