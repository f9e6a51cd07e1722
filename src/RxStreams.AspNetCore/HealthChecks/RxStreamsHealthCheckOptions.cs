namespace RxStreams.AspNetCore.HealthChecks;

/// <summary>
/// Thresholds of the RxStreams health checks (<see cref="RxStreamsHealthChecksBuilderExtensions.AddRxStreams"/>).
/// See docs/operations.md.
/// </summary>
public sealed class RxStreamsHealthCheckOptions
{
    /// <summary>
    /// How long the backplane check waits for its round trip (Redis: a <c>PING</c>) before it reports the backplane
    /// unreachable. Default 2 seconds.
    /// </summary>
    public TimeSpan BackplaneTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The share of <see cref="RxStreamsOptions.MaxPendingBytesPerConnection"/> beyond which a connection's send queue
    /// counts as saturated (the client is near the point where it is dropped as a slow consumer). Default 0.5.
    /// </summary>
    public double SaturatedQueueFraction { get; set; } = 0.5;

    /// <summary>
    /// The send-queue check is Unhealthy when at least this many connections are saturated and they are at least
    /// <see cref="UnhealthySaturatedShare"/> of all connections (the node, not one slow client, cannot keep up); with
    /// fewer it is Degraded. Default 10.
    /// </summary>
    public int UnhealthySaturatedConnections { get; set; } = 10;

    /// <summary>The share of connections saturated at once that makes the send-queue check Unhealthy (with <see cref="UnhealthySaturatedConnections"/>). Default 0.25.</summary>
    public double UnhealthySaturatedShare { get; set; } = 0.25;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(BackplaneTimeout, TimeSpan.Zero, nameof(BackplaneTimeout));
        if (!(SaturatedQueueFraction is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(SaturatedQueueFraction), SaturatedQueueFraction, "SaturatedQueueFraction must be greater than 0 and at most 1.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(UnhealthySaturatedConnections, 1, nameof(UnhealthySaturatedConnections));
        if (!(UnhealthySaturatedShare is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(UnhealthySaturatedShare), UnhealthySaturatedShare, "UnhealthySaturatedShare must be greater than 0 and at most 1.");
        }
    }
}
