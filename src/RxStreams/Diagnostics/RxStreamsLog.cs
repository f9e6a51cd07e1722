using Microsoft.Extensions.Logging;

namespace RxStreams.Diagnostics;

/// <summary>
/// Log messages of the core, with stable event ids: 1000–1999 hub and backplanes, 3000–3999 Redis, 4000–4999 client.
/// (2000–2999 belong to RxStreams.AspNetCore.)
/// </summary>
internal static partial class RxStreamsLog
{
    [LoggerMessage(1001, LogLevel.Warning, "A subscriber of '{Source}' threw and was detached; other subscribers are unaffected.")]
    public static partial void SubscriberThrew(ILogger logger, string source, Exception exception);

    [LoggerMessage(1002, LogLevel.Warning, "Publishing to '{Channel}' failed; the value was not published.")]
    public static partial void PublishFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(1003, LogLevel.Warning, "An item of '{Channel}' at {Offset} could not be deserialized and was skipped.")]
    public static partial void UndecodableItem(ILogger logger, string channel, StreamOffset offset, Exception exception);

    [LoggerMessage(1004, LogLevel.Information, "Reading the history of '{Channel}' failed; retrying in {Delay}.")]
    public static partial void HistoryReadRetry(ILogger logger, string channel, TimeSpan delay, Exception exception);

    [LoggerMessage(1005, LogLevel.Warning, "Leaving presence set '{Set}' failed; the member leaves when its lease expires.")]
    public static partial void PresenceLeaveFailed(ILogger logger, string set, Exception exception);

    [LoggerMessage(1006, LogLevel.Warning, "Acknowledging item {Id} of queue '{Queue}' failed.")]
    public static partial void AckFailed(ILogger logger, string queue, StreamOffset id, Exception exception);
}
