namespace RxStreams.Testing;

/// <summary>Exact allocation measurements for "allocates nothing" tests (no timing involved).</summary>
public static class Allocations
{
    /// <summary>
    /// The bytes the current thread allocates running <paramref name="action"/> once it is warm: runs it once, then
    /// measures up to <paramref name="attempts"/> runs and returns the least (stopping at the first that allocates
    /// nothing). The JIT's tier-up (on-stack replacement of a long loop, a method reaching its call count) can allocate
    /// on the calling thread in the middle of one measurement; code that really allocates does so in every run.
    /// </summary>
    /// <param name="action">The code under test; create its delegate and any state it captures beforehand.</param>
    /// <param name="attempts">How many measured runs at most.</param>
    public static long SteadyState(Action action, int attempts = 5)
    {
        ArgumentNullException.ThrowIfNull(action);
        action();
        var least = long.MaxValue;
        for (var i = 0; i < attempts && least > 0; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            action();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }
}
