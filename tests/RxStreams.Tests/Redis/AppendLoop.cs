using System.Collections.Concurrent;
using System.Diagnostics;
using RxStreams.Backplanes;

namespace RxStreams.Tests.Redis;

/// <summary>
/// A publisher for fault tests: appends 0, 1, 2… to a durable channel until stopped, awaiting each append as a
/// publisher that needs every acknowledgement does, and records what happened. An append that fails with
/// <see cref="BackplaneUnavailableException"/> is counted and followed by a short pause; the loop goes on.
/// </summary>
internal sealed class AppendLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _failures;
    private long _slowestFailureTicks;

    private AppendLoop(IStreamChannel<long> channel, TimeSpan pauseAfterFailure)
        => _loop = Task.Run(() => RunAsync(channel, pauseAfterFailure));

    /// <summary>Starts appending to <paramref name="channel"/>.</summary>
    public static AppendLoop Start(IStreamChannel<long> channel, TimeSpan pauseAfterFailure) => new(channel, pauseAfterFailure);

    /// <summary>The offset of every value acknowledged.</summary>
    public ConcurrentDictionary<long, StreamOffset> Acknowledged { get; } = new();

    /// <summary>Every value tried, acknowledged or not (a failed append may still have been applied).</summary>
    public ConcurrentDictionary<long, bool> Attempted { get; } = new();

    /// <summary>How long each acknowledged append took, in milliseconds.</summary>
    public ConcurrentBag<double> AppendMilliseconds { get; } = [];

    /// <summary>How many appends failed so far.</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <summary>The longest a failing append took.</summary>
    public TimeSpan SlowestFailure => TimeSpan.FromTicks(Interlocked.Read(ref _slowestFailureTicks));

    private async Task RunAsync(IStreamChannel<long> channel, TimeSpan pauseAfterFailure)
    {
        for (long value = 0; !_stop.IsCancellationRequested; value++)
        {
            Attempted[value] = true;
            var started = Stopwatch.GetTimestamp();
            try
            {
                Acknowledged[value] = await channel.PublishAsync(value);
                AppendMilliseconds.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (BackplaneUnavailableException)
            {
                var took = Stopwatch.GetElapsedTime(started).Ticks;
                if (took > Interlocked.Read(ref _slowestFailureTicks))
                {
                    Interlocked.Exchange(ref _slowestFailureTicks, took);
                }
                Interlocked.Increment(ref _failures);
                await Task.Delay(pauseAfterFailure);
            }
        }
    }

    /// <summary>Stops after the append in flight, and waits for it.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
