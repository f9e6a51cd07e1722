using System.Diagnostics;
using System.Numerics;

namespace RxStreams.LoadTests.Load;

/// <summary>
/// A lock-free log-linear histogram of latencies in microseconds (about 3% resolution from 64 µs up to days),
/// recorded from many threads at once.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int Linear = 64;
    private const int SubBuckets = 32;
    private readonly long[] _counts = new long[Linear + (40 * SubBuckets)];
    private long _count;
    private long _max;

    public long Count => Volatile.Read(ref _count);

    /// <summary>Records the time from <paramref name="startTimestamp"/> (a <see cref="Stopwatch"/> timestamp) to now.</summary>
    public void RecordSince(long startTimestamp)
    {
        var ticks = Stopwatch.GetTimestamp() - startTimestamp;
        Record(ticks <= 0 ? 0 : (long)(ticks * 1_000_000.0 / Stopwatch.Frequency));
    }

    public void Record(long microseconds)
    {
        Interlocked.Increment(ref _counts[Index(microseconds)]);
        Interlocked.Increment(ref _count);
        long max;
        while (microseconds > (max = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, microseconds, max) != max)
        {
        }
    }

    public void Reset()
    {
        Array.Clear(_counts);
        Volatile.Write(ref _count, 0);
        Volatile.Write(ref _max, 0);
    }

    /// <summary>The latency at percentile <paramref name="p"/> (0–100), in milliseconds.</summary>
    public double PercentileMs(double p)
    {
        var total = Count;
        if (total == 0)
        {
            return double.NaN;
        }
        var rank = (long)Math.Ceiling(total * p / 100.0);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Min(Middle(i), Volatile.Read(ref _max)) / 1000.0;
            }
        }
        return Volatile.Read(ref _max) / 1000.0;
    }

    public double MaxMs => Volatile.Read(ref _max) / 1000.0;

    private static int Index(long value)
    {
        if (value < Linear)
        {
            return (int)Math.Max(0, value);
        }
        var msb = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var shift = msb - 5;
        var top = (int)(value >> shift); // 32..63
        var index = Linear + ((shift - 1) * SubBuckets) + (top - SubBuckets);
        return Math.Min(index, (Linear + (40 * SubBuckets)) - 1);
    }

    private static double Middle(int index)
    {
        if (index < Linear)
        {
            return index;
        }
        var shift = ((index - Linear) / SubBuckets) + 1;
        var top = ((index - Linear) % SubBuckets) + SubBuckets;
        return (top + 0.5) * (1L << shift);
    }
}
