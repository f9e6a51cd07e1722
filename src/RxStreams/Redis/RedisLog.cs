using Microsoft.Extensions.Logging;

namespace RxStreams.Redis;

/// <summary>Log messages of the Redis backplane, with stable event ids in 3000–3999.</summary>
internal static partial class RedisLog
{
    [LoggerMessage(3001, LogLevel.Information, "Redis backplane connection created (connected: {Connected}).")]
    public static partial void Connected(ILogger logger, bool connected);

    [LoggerMessage(3002, LogLevel.Warning, "Creating the Redis connection failed; it is tried again on next use. Connection log: {Log}")]
    public static partial void ConnectFailed(ILogger logger, string log, Exception exception);

    [LoggerMessage(3003, LogLevel.Warning, "Redis connection to {EndPoint} ({ConnectionType}) failed: {FailureType}.")]
    public static partial void ConnectionFailed(ILogger logger, string endPoint, string connectionType, string failureType, Exception? exception);

    [LoggerMessage(3004, LogLevel.Information, "Redis connection to {EndPoint} ({ConnectionType}) restored.")]
    public static partial void ConnectionRestored(ILogger logger, string endPoint, string connectionType);

    [LoggerMessage(3005, LogLevel.Warning, "Closing the Redis connection failed.")]
    public static partial void CloseFailed(ILogger logger, Exception exception);

    [LoggerMessage(3006, LogLevel.Warning, "A subscriber of '{Source}' threw and was detached; other subscribers are unaffected.")]
    public static partial void SubscriberThrew(ILogger logger, string source, Exception exception);

    [LoggerMessage(3007, LogLevel.Information, "Subscribing to Redis channel '{Channel}' failed; trying again until it is subscribed.")]
    public static partial void SubscribeFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(3008, LogLevel.Debug, "Unsubscribing from Redis channel '{Channel}' failed.")]
    public static partial void UnsubscribeFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(3009, LogLevel.Error, "A listener of Redis channel '{Channel}' failed.")]
    public static partial void ListenerFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(3010, LogLevel.Information, "Reading channel '{Channel}' live failed; trying again.")]
    public static partial void LiveReadFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(3011, LogLevel.Warning, "Channel '{Channel}' no longer holds the items after {Cursor} (epoch {Epoch}, trimmed through {TrimmedThrough}); its live subscriber ends as not recovered.")]
    public static partial void LiveNotRecovered(ILogger logger, string channel, StreamOffset cursor, StreamOffset epoch, StreamOffset trimmedThrough);

    [LoggerMessage(3012, LogLevel.Warning, "Renewing the presence leases of set '{Set}' failed; trying again next period.")]
    public static partial void PresenceRenewFailed(ILogger logger, string set, Exception exception);

    [LoggerMessage(3013, LogLevel.Information, "Sweeping expired members of presence set '{Set}' failed.")]
    public static partial void PresenceSweepFailed(ILogger logger, string set, Exception exception);

    [LoggerMessage(3014, LogLevel.Warning, "Removing member '{Member}' from presence set '{Set}' failed; it leaves when its lease expires.")]
    public static partial void PresenceLeaveFailed(ILogger logger, string set, string member, Exception exception);

    [LoggerMessage(3015, LogLevel.Warning, "A message of '{Source}' could not be read and was skipped.")]
    public static partial void UndecodableMessage(ILogger logger, string source, Exception exception);

    [LoggerMessage(3016, LogLevel.Information, "Consumer '{Consumer}' of group '{Group}' of queue '{Queue}' failed; trying again.")]
    public static partial void ConsumerFailed(ILogger logger, string queue, string group, string consumer, Exception exception);

    [LoggerMessage(3017, LogLevel.Warning, "Releasing the pending items of consumer '{Consumer}' of group '{Group}' of queue '{Queue}' failed; others take them after the acknowledgement timeout.")]
    public static partial void ReleaseFailed(ILogger logger, string queue, string group, string consumer, Exception exception);

    [LoggerMessage(3018, LogLevel.Warning, "Trimming work queue '{Queue}' failed.")]
    public static partial void TrimFailed(ILogger logger, string queue, Exception exception);

    [LoggerMessage(3019, LogLevel.Warning, "Disposing the Redis backplane: {Step} failed.")]
    public static partial void DisposeStepFailed(ILogger logger, string step, Exception exception);

    [LoggerMessage(3020, LogLevel.Information, "Redis pub/sub is {Mode}.")]
    public static partial void PubSubMode(ILogger logger, string mode);
}
