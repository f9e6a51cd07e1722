using System.Diagnostics;
using RxStreams.Backplanes;
using StackExchange.Redis;

namespace RxStreams.Redis;

/// <summary>
/// One consumer of a consumer group. Its loop keeps at most <see cref="WorkQueueOptions.Prefetch"/> items pending:
/// it claims items other consumers left pending longer than <see cref="WorkQueueOptions.AckTimeout"/> (or released)
/// every claim interval and when told items were released, then reads new ones (<c>XREADGROUP … &gt;</c>, never
/// blocking: the queue's wake-ups say when there is more). Stopping releases its pending items to the group at once.
/// </summary>
internal sealed class RedisConsumer
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>The idle time given to released items: longer than any acknowledgement timeout, so any claim takes them.</summary>
    private const long ReleasedIdleMs = 1_000_000_000_000;

    private readonly RedisWorkQueues _owner;
    private readonly string _queue;
    private readonly WorkQueueOptions _options;
    private readonly RedisFanout<BackplaneWorkItem> _fanout;
    private readonly RedisKey _key;
    private readonly object _gate = new();
    private readonly Dictionary<StreamOffset, long> _inflight = [];
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private Task? _stopping;
    private volatile bool _claimNow = true;

    public RedisConsumer(RedisWorkQueues owner, string queue, string group, string name, WorkQueueOptions options, RedisFanout<BackplaneWorkItem> fanout)
    {
        _owner = owner;
        _queue = queue;
        Group = group;
        Name = name;
        _options = options;
        _fanout = fanout;
        _key = owner.Keys.Queue(queue);
    }

    public string Group { get; }

    public string Name { get; }

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Wakes the loop: new items (or released ones, which are claimed at once).</summary>
    public void Wake(bool claim)
    {
        if (claim)
        {
            _claimNow = true;
        }
        Signal();
    }

    /// <summary>The item is no longer pending for this consumer (acknowledged, or taken by another).</summary>
    public void Forget(StreamOffset id)
    {
        bool removed;
        lock (_gate)
        {
            removed = _inflight.Remove(id);
        }
        if (removed)
        {
            Signal();
        }
    }

    private void Signal()
    {
        try
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
        }
    }

    private int Room()
    {
        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            // Past the acknowledgement timeout an item may have gone to another consumer: it no longer counts here.
            List<StreamOffset>? expired = null;
            foreach (var (id, since) in _inflight)
            {
                if (Stopwatch.GetElapsedTime(since, now) >= _options.AckTimeout)
                {
                    (expired ??= []).Add(id);
                }
            }
            expired?.ForEach(id => _inflight.Remove(id));
            return _options.Prefetch - _inflight.Count;
        }
    }

    private async Task RunAsync()
    {
        var token = _stop.Token;
        var connection = _owner.Connection;
        var options = _owner.Options;
        var needGroup = true;
        var nextClaim = 0L;
        var failures = 0;
        while (!token.IsCancellationRequested)
        {
            try
            {
                if (needGroup)
                {
                    await connection.EvalAsync(RedisScripts.EnsureGroup, [_key], [Group], token).ConfigureAwait(false);
                    // Items a previous consumer of this name left pending (its node died): claimable now.
                    await ReleaseAsync(token).ConfigureAwait(false);
                    needGroup = false;
                    _claimNow = true;
                }
                var room = Room();
                var more = false;
                if (room > 0 && (_claimNow || Stopwatch.GetTimestamp() >= nextClaim))
                {
                    _claimNow = false;
                    nextClaim = Stopwatch.GetTimestamp() + (long)(options.ClaimInterval.TotalSeconds * Stopwatch.Frequency);
                    var claimed = (RedisResult[])(await connection.EvalAsync(
                        RedisScripts.Claim, [_key], [Group, Name, (long)_options.AckTimeout.TotalMilliseconds, room], token).ConfigureAwait(false))!;
                    foreach (var item in claimed)
                    {
                        var parts = (RedisResult[])item!;
                        if (RedisProtocol.TryReadEntry(parts, out var id, out var payload))
                        {
                            Deliver(new BackplaneWorkItem(id, payload, (int)(long)parts[2]));
                            room--;
                        }
                    }
                    await TrimAsync(token).ConfigureAwait(false);
                }
                if (room > 0)
                {
                    var read = await connection.ExecuteAsync("XREADGROUP", ["GROUP", Group, Name, "COUNT", room, "STREAMS", _key, ">"], token).ConfigureAwait(false);
                    var count = 0;
                    if (!read.IsNull)
                    {
                        foreach (var stream in (RedisResult[])read!)
                        {
                            foreach (var entry in (RedisResult[])((RedisResult[])stream!)[1]!)
                            {
                                if (RedisProtocol.TryReadEntry(entry, out var id, out var payload))
                                {
                                    Deliver(new BackplaneWorkItem(id, payload, 1));
                                    count++;
                                }
                            }
                        }
                    }
                    more = count == room;
                }
                failures = 0;
                if (more)
                {
                    continue;
                }
                // Until woken (new or released items, an acknowledgement), the next claim, or, while full, a look at
                // whether pending items timed out.
                var wait = room > 0
                    ? TimeSpan.FromSeconds(Math.Max(0.001, (nextClaim - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency))
                    : options.ClaimInterval;
                await _signal.WaitAsync(wait, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (RedisServerException e) when (e.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
            {
                // The group (or the whole queue) is gone, e.g. Redis lost its data: create it again.
                RedisLog.ConsumerFailed(_owner.Logger, _queue, Group, Name, e);
                needGroup = true;
            }
            catch (Exception e)
            {
                if (e is not ObjectDisposedException && ++failures == 1)
                {
                    RedisLog.ConsumerFailed(_owner.Logger, _queue, Group, Name, e);
                }
                try
                {
                    await Task.Delay(TimeSpan.FromTicks(Math.Min(RetryDelay.Ticks << Math.Min(failures, 5), options.ClaimInterval.Ticks * 5)), token).ConfigureAwait(false);
                    // Redis may be back: claim at once (items of consumers that died meanwhile may be waiting).
                    _claimNow = true;
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private void Deliver(BackplaneWorkItem item)
    {
        lock (_gate)
        {
            _inflight[item.Id] = Stopwatch.GetTimestamp();
        }
        _fanout.Post(item);
    }

    private async Task TrimAsync(CancellationToken token)
    {
        try
        {
            await _owner.Connection.EvalAsync(RedisScripts.Trim, [_key], [], token).ConfigureAwait(false);
        }
        catch (RedisServerException e)
        {
            RedisLog.TrimFailed(_owner.Logger, _queue, e);
        }
    }

    private async Task ReleaseAsync(CancellationToken token)
        => await _owner.Connection.EvalAsync(
            RedisScripts.Release,
            [_key],
            [Group, Name, RedisKeys.ReleasedConsumer, ReleasedIdleMs, _owner.Keys.QueueWakeUp(_queue)],
            token).ConfigureAwait(false);

    /// <summary>Stops the loop; with <paramref name="release"/>, hands this consumer's pending items back to the group.</summary>
    public Task Stop(bool release)
    {
        lock (_gate)
        {
            if (_stopping is not null)
            {
                return _stopping;
            }
            _stop.Cancel();
            return _stopping = StopAsync(release);
        }
    }

    private async Task StopAsync(bool release)
    {
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            RedisLog.ConsumerFailed(_owner.Logger, _queue, Group, Name, e);
        }
        if (!release)
        {
            return;
        }
        try
        {
            await ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BackplaneUnavailableException or ObjectDisposedException)
        {
            // Its items go to others after the acknowledgement timeout instead.
            RedisLog.ReleaseFailed(_owner.Logger, _queue, Group, Name, e);
        }
    }

    /// <summary>Ends the observer (unless a simulated crash: then it just hears nothing more).</summary>
    public void CompleteObservers(bool silently)
    {
        if (!silently)
        {
            _fanout.Complete();
        }
    }
}
