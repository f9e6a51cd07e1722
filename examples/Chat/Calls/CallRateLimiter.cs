using System.Threading.RateLimiting;

namespace Chat.Calls;

/// <summary>
/// How often a user may start calls, per node: <see cref="Burst"/> at once, then one per <see cref="Refill"/>. A call
/// rings every tab of the callee, so without it one user could make someone's page ring without end. Each user's
/// bucket goes away once it is full again and unused (the limiter's own idle cleanup), so memory follows the callers of
/// the last minutes, not every user ever seen.
/// </summary>
public sealed class CallRateLimiter : IDisposable
{
    /// <summary>Calls a user may start at once.</summary>
    public const int Burst = 5;

    /// <summary>After the burst, one more call per this time.</summary>
    public static readonly TimeSpan Refill = TimeSpan.FromSeconds(10);

    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(user =>
        RateLimitPartition.GetTokenBucketLimiter(user, static _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = Refill,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>True when <paramref name="userId"/> may start a call now (and counts it).</summary>
    public bool TryStart(string userId)
    {
        using var lease = _limiter.AttemptAcquire(userId);
        return lease.IsAcquired;
    }

    /// <inheritdoc />
    public void Dispose() => _limiter.Dispose();
}
