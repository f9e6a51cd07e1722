namespace RxStreams.Client;

/// <summary>
/// Exponential backoff with jitter, the client's default: before attempt k it waits a random time in [d/2, d] with
/// d = min(<see cref="MaxDelay"/>, <see cref="InitialDelay"/> × 2^k), so clients dropped together do not come back
/// together; it gives up after <see cref="MaxAttempts"/> failed attempts in a row, if set.
/// </summary>
public sealed class ExponentialReconnectPolicy : IReconnectPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="initialDelay">The first delay (more than zero).</param>
    /// <param name="maxDelay">The longest delay (at least <paramref name="initialDelay"/>).</param>
    /// <param name="maxAttempts">Give up after this many failed attempts in a row; null never gives up.</param>
    public ExponentialReconnectPolicy(TimeSpan initialDelay, TimeSpan maxDelay, int? maxAttempts = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initialDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, initialDelay);
        if (maxAttempts is { } max)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(max, nameof(maxAttempts));
        }
        InitialDelay = initialDelay;
        MaxDelay = maxDelay;
        MaxAttempts = maxAttempts;
    }

    /// <summary>The first delay.</summary>
    public TimeSpan InitialDelay { get; }

    /// <summary>The longest delay.</summary>
    public TimeSpan MaxDelay { get; }

    /// <summary>Failed attempts in a row before giving up; null never gives up.</summary>
    public int? MaxAttempts { get; }

    /// <inheritdoc />
    public TimeSpan? NextDelay(ReconnectContext context)
    {
        if (MaxAttempts is { } max && context.FailedAttempts >= max)
        {
            return null;
        }
        var d = Math.Min(MaxDelay.TotalMilliseconds, InitialDelay.TotalMilliseconds * Math.Pow(2, Math.Clamp(context.Attempt, 0, 30)));
        return TimeSpan.FromMilliseconds(d * (0.5 + (Random.Shared.NextDouble() / 2)));
    }
}
