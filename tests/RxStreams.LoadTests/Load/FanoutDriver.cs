using System.Diagnostics;
using RxStreams.LoadTests.Servers;

namespace RxStreams.LoadTests.Load;

/// <summary>Counts the deliveries of one step (messages whose seq is in the step's range) and their latencies.</summary>
internal sealed class DeliveryMeter : IMessageSink
{
    private long _from;
    private long _to;
    private long _received;
    private long _all;
    private long _lastTimestamp;

    public LatencyHistogram Latency { get; } = new();

    public long Received => Volatile.Read(ref _received);

    public long LastTimestamp => Volatile.Read(ref _lastTimestamp);

    /// <summary>Every delivery so far, of any step (stragglers included).</summary>
    public long All => Volatile.Read(ref _all);

    public void Begin(long from, long to)
    {
        Volatile.Write(ref _from, long.MaxValue);
        Latency.Reset();
        Volatile.Write(ref _received, 0);
        Volatile.Write(ref _to, to);
        Volatile.Write(ref _from, from);
    }

    public void OnMessage(long seq, long t)
    {
        Interlocked.Increment(ref _all);
        if (seq >= Volatile.Read(ref _from) && seq < Volatile.Read(ref _to))
        {
            Latency.RecordSince(t);
            Interlocked.Increment(ref _received);
            Volatile.Write(ref _lastTimestamp, Stopwatch.GetTimestamp());
        }
    }
}

/// <summary>
/// Publishers and subscribers, publish rate stepped up until the p99 latency passes the limit or deliveries fall
/// behind. Used by the broadcast workload (one publisher, every subscriber gets every message), the cross-node one
/// (publisher and subscribers on different nodes) and the rooms one (the rooms' publishers in turn, each message to
/// the members of one room).
/// </summary>
/// <param name="publisher">Publishes message after message, on the driver's schedule.</param>
/// <param name="subscribers">How many deliveries each message makes (the broadcast's subscribers, a room's members).</param>
/// <param name="subscriptions">How many subscriptions the server must keep for the search to go on (all of them).</param>
internal sealed class FanoutDriver(IPublisher publisher, int subscribers, int subscriptions, IReadOnlyList<ServerProcess> servers, DeliveryMeter meter, LoadSettings settings, bool cross = false)
{
    public FanoutDriver(IPublisher publisher, int subscribers, IReadOnlyList<ServerProcess> servers, DeliveryMeter meter, LoadSettings settings, bool cross = false)
        : this(publisher, subscribers, subscribers, servers, meter, settings, cross)
    {
    }

    private readonly double _stepSeconds = cross ? settings.CrossStepSeconds : settings.StepSeconds;
    private readonly double _factor = cross ? settings.CrossStepFactor : settings.StepFactor;
    private readonly int _bisect = cross ? settings.CrossBisectSteps : settings.BisectSteps;

    private long _nextSeq = 1;
    private long _expectedAll;

    /// <summary>Publishes at <paramref name="rate"/> messages per second for <paramref name="seconds"/> and measures the step.</summary>
    public async Task<FanoutStep> RunStepAsync(double rate, double seconds)
    {
        var count = Math.Max(1, (int)Math.Round(rate * seconds));
        var from = _nextSeq;
        _nextSeq += count;
        var expected = (long)count * subscribers;
        await DrainAsync();
        _expectedAll += expected;
        meter.Begin(from, from + count);
        var before = await Task.WhenAll(servers.Select(s => s.StatsAsync()));
        var loaderBefore = LoadGenerator.CpuTime();
        var start = Stopwatch.GetTimestamp();
        await Task.Factory.StartNew(() => PublishPaced(from, count, rate, start), TaskCreationOptions.LongRunning);
        // Let the tail arrive: everything, or until it is clear the server is behind.
        var drainLimit = Stopwatch.GetTimestamp() + (long)(Stopwatch.Frequency * Math.Max(1.0, settings.LatencyLimitMs / 1000.0 * 4));
        while (meter.Received < expected && Stopwatch.GetTimestamp() < drainLimit)
        {
            await Task.Delay(10);
        }
        var end = Stopwatch.GetTimestamp();
        var loaderAfter = LoadGenerator.CpuTime();
        var after = await Task.WhenAll(servers.Select(s => s.StatsAsync()));
        var received = meter.Received;
        var wall = Stopwatch.GetElapsedTime(start, end).TotalSeconds;
        var deliveryWindow = Stopwatch.GetElapsedTime(start, Math.Max(meter.LastTimestamp, start + 1)).TotalSeconds;
        var cpuMs = after.Zip(before).Sum(p => p.First.CpuMs - p.Second.CpuMs);
        var allocated = after.Zip(before).Sum(p => (double)(p.First.AllocatedBytes - p.Second.AllocatedBytes));
        var fraction = expected == 0 ? 0 : (double)received / expected;
        var p99 = meter.Latency.PercentileMs(99);
        var step = new FanoutStep(
            rate,
            subscribers,
            rate * subscribers,
            received == 0 ? 0 : received / Math.Max(deliveryWindow, seconds),
            fraction,
            meter.Latency.PercentileMs(50),
            p99,
            meter.Latency.MaxMs,
            received == 0 ? double.NaN : cpuMs * 1000 / received,
            received == 0 ? double.NaN : allocated / received,
            cpuMs / 10 / wall,
            (loaderAfter - loaderBefore).TotalMilliseconds / 10 / wall,
            fraction >= 0.99 && p99 <= settings.LatencyLimitMs);
        Log.Step(step);
        if (Environment.GetEnvironmentVariable("RXLOAD_DEBUG") == "1")
        {
            Log.Info($"      server threads {string.Join(",", after.Select(a => a.Threads))}, gen0/1/2 {string.Join(",", after.Select(a => $"{a.Gen0}/{a.Gen1}/{a.Gen2}"))}, lock contentions {string.Join(",", after.Zip(before).Select(p => p.First.LockContentions - p.Second.LockContentions))}");
        }
        return step;
    }

    /// <summary>
    /// Before a step: whatever earlier steps still have in flight (a server that fell behind may hold seconds of
    /// backlog) must arrive first, or the new step would measure the old backlog. Waits while deliveries progress.
    /// </summary>
    private async Task DrainAsync()
    {
        var last = meter.All;
        var stalled = Stopwatch.StartNew();
        var total = Stopwatch.StartNew();
        while (meter.All < _expectedAll && stalled.Elapsed < TimeSpan.FromSeconds(2) && total.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(50);
            if (meter.All != last)
            {
                last = meter.All;
                stalled.Restart();
            }
        }
        await Task.Delay(200);
    }

    private void PublishPaced(long firstSeq, int count, double rate, long start)
    {
        var period = Stopwatch.Frequency / rate;
        for (var i = 0; i < count; i++)
        {
            var due = start + (long)(i * period);
            // Sleep until due (never spin: the load generator's CPU must go to receiving). Thread.Sleep(1) wakes ~1 ms
            // late at worst; every message due by then goes out, and lateness counts in the latency (t is the due time).
            while (due > Stopwatch.GetTimestamp())
            {
                Thread.Sleep(1);
            }
            var send = publisher.PublishAsync(firstSeq + i, due);
            if (!send.IsCompletedSuccessfully)
            {
                send.AsTask().GetAwaiter().GetResult();
            }
        }
    }

    /// <summary>Steps the rate up by ×1.5 from <paramref name="startRate"/> until a step fails, then narrows the limit down by bisection.</summary>
    public async Task<(FanoutStep? Best, List<FanoutStep> Steps)> FindLimitAsync(double startRate)
    {
        var steps = new List<FanoutStep>();
        FanoutStep? best = null;
        double? failedRate = null;
        var rate = startRate;
        for (var i = 0; i < settings.MaxSteps; i++)
        {
            var step = await CheckedStepAsync(rate, steps);
            if (!step.Passed)
            {
                failedRate = rate;
                break;
            }
            best = Better(best, step);
            rate *= _factor;
        }
        if (best is null)
        {
            // Even the first rate was too much: come down.
            for (var i = 0; i < 4 && best is null; i++)
            {
                rate = (failedRate ?? rate) / 2;
                failedRate = rate * 2;
                var step = await CheckedStepAsync(rate, steps);
                if (step.Passed)
                {
                    best = step;
                }
                else
                {
                    failedRate = rate;
                }
            }
        }
        if (best is not null && failedRate is { } failed)
        {
            var low = best.PublishRate;
            var high = failed;
            for (var i = 0; i < _bisect; i++)
            {
                if (!await SubscribersIntactAsync())
                {
                    break;
                }
                var middle = Math.Sqrt(low * high);
                var step = await CheckedStepAsync(middle, steps);
                if (step.Passed)
                {
                    best = Better(best, step);
                    low = middle;
                }
                else
                {
                    high = middle;
                }
            }
        }
        return (best, steps);
    }

    /// <summary>
    /// A server may end subscribers that fell too far behind (RxStreams: <c>slow_consumer</c> past its per-connection
    /// limit); a search step after that would measure nothing.
    /// </summary>
    private async Task<bool> SubscribersIntactAsync()
    {
        var stats = await servers[^1].StatsAsync();
        if (stats.Subscribers >= subscriptions)
        {
            return true;
        }
        Log.Info($"    the server has {stats.Subscribers} of {subscriptions} subscribers left (it ended the others): the search stops here");
        return false;
    }

    /// <summary>
    /// A step that fails is run once more before it counts as failed: the machine is shared, and one stall of another
    /// process (or a JIT tier-up) must not end the search. Both runs are kept in the steps.
    /// </summary>
    private async Task<FanoutStep> CheckedStepAsync(double rate, List<FanoutStep> steps)
    {
        var step = await RunStepAsync(rate, _stepSeconds);
        steps.Add(step);
        if (!step.Passed && step.DeliveredFraction > 0.5)
        {
            step = await RunStepAsync(rate, _stepSeconds);
            steps.Add(step);
        }
        return step;
    }

    /// <summary>Latency at a fixed rate: the better (lower p99) of two runs, so one stall of the shared machine does not decide it.</summary>
    public async Task<FanoutStep> FixedRateAsync(double rate)
    {
        var first = await RunStepAsync(rate, _stepSeconds);
        var second = await RunStepAsync(rate, _stepSeconds);
        return second.P99Ms < first.P99Ms ? second : first;
    }

    /// <summary>Warms the server up (JIT tiering, pools) before anything is measured.</summary>
    public async Task WarmUpAsync(double rate)
    {
        Log.Info("    warm-up");
        await RunStepAsync(rate / 4, _stepSeconds);
        if (!cross)
        {
            await RunStepAsync(rate, _stepSeconds);
        }
    }

    private static FanoutStep Better(FanoutStep? a, FanoutStep b) => a is null || b.DeliveriesPerSecond > a.DeliveriesPerSecond ? b : a;
}
