namespace RxStreams.Redis;

/// <summary>What writes to the Redis backplane do while Redis cannot be reached.</summary>
public enum RedisDisconnectedBehavior
{
    /// <summary>
    /// Fail at once with <see cref="BackplaneUnavailableException"/> (code backplane_unavailable). The caller decides:
    /// tell the client, retry, drop. A command already sent when the connection broke fails too, and may or may not
    /// have been applied. The default.
    /// </summary>
    FailFast,

    /// <summary>
    /// Wait for the connection to come back, for at most <see cref="RedisBackplaneOptions.OperationTimeout"/>, then fail
    /// with <see cref="BackplaneUnavailableException"/>. Only commands that were never sent are retried, so nothing is
    /// applied twice. Rides out a quick failover at the cost of callers waiting. Calls that waited are not ordered
    /// against calls issued after them: a publisher that needs its items in order awaits each publish.
    /// </summary>
    WaitForConnection,
}
