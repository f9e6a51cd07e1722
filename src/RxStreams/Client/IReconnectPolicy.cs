namespace RxStreams.Client;

/// <summary>
/// Decides when an <see cref="RxStreamsClient"/> tries to reconnect after its connection was lost, and when it stops
/// trying (set it as <see cref="RxStreamsClientOptions.ReconnectPolicy"/>). The default is
/// <see cref="ExponentialReconnectPolicy"/> built from the options' reconnect settings.
/// </summary>
/// <remarks>
/// Called before each attempt, on the client's reconnect loop: keep it quick and free of I/O. An exception it throws
/// ends the reconnecting as if it had answered null (the client closes; the error is logged).
/// </remarks>
public interface IReconnectPolicy
{
    /// <summary>The delay before the next attempt, or null to stop: the client's state becomes <see cref="ConnectionState.Closed"/> and its streams end with <c>connection_lost</c>.</summary>
    TimeSpan? NextDelay(ReconnectContext context);
}

/// <summary>What an <see cref="IReconnectPolicy"/> knows when it decides.</summary>
/// <param name="Attempt">
/// The attempts since the backoff last started over: 0 before the first. It starts over only once a connection held
/// 30 seconds, so a server that accepts and then drops the client at once keeps it backing off.
/// </param>
/// <param name="FailedAttempts">The attempts that failed in a row since the connection was lost (0 before the first).</param>
/// <param name="LastError">Why the previous attempt failed; null before the first attempt after a loss.</param>
public readonly record struct ReconnectContext(int Attempt, int FailedAttempts, Exception? LastError);
