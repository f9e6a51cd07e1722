namespace RxStreams.AspNetCore.Connections;

/// <summary>A token bucket: <c>rate</c> tokens a second, at most <c>burst</c> saved up. Used by one thread (the read loop).</summary>
internal sealed class TokenBucket(int rate, int burst, TimeProvider clock)
{
    private double _tokens = burst;
    private long _last = clock.GetTimestamp();

    public bool TryTake()
    {
        var now = clock.GetTimestamp();
        _tokens = Math.Min(burst, _tokens + (clock.GetElapsedTime(_last, now).TotalSeconds * rate));
        _last = now;
        if (_tokens < 1)
        {
            return false;
        }
        _tokens -= 1;
        return true;
    }
}
