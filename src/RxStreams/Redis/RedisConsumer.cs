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
    private readonly QueuedFanout<BackplaneWorkItem> _fanout;
    private readonly RedisKey _key;
    private readonly object _gate = new();
    private readonly Dictionary<StreamOffset, long> _inflight = [];
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private Task? _stopping;
    private volatile bool _claimNow = true;

    public RedisConsumer(RedisWorkQueues owner, string queue, string group, string name, WorkQueueOptions options, QueuedFanout<BackplaneWorkItem> fanout)
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
                    await EnsureGroupAsync(token).ConfigureAwait(false);
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
                    room -= await ClaimAsync(room, token).ConfigureAwait(false);
                    await TrimAsync(token).ConfigureAwait(false);
                }
                if (room > 0)
                {
                    // XREADGROUP … > without BLOCK: the queue's wake-ups say when there is more.
                    var read = await connection.RunAsync("XREADGROUP",
                        static (db, s) => db.StreamReadGroupAsync(s.Key, s.Group, s.Name, StreamPosition.NewMessages, s.room),
                        (Key: _key, Group: (RedisValue)Group, Name: (RedisValue)Name, room), token).ConfigureAwait(false);
                    var count = 0;
                    foreach (var entry in read)
                    {
                        if (RedisProtocol.TryReadEntry(entry, out var id, out var payload))
                        {
                            Deliver(new BackplaneWorkItem(id, payload, 1));
                            count++;
                        }
                    }
                    more = read.Length == room;
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

    /// <summary>Creates the group at the oldest item (and the queue's stream) unless it exists.</summary>
    private async Task EnsureGroupAsync(CancellationToken token)
    {
        try
        {
            await _owner.Connection.RunAsync("XGROUP CREATE",
                static (db, s) => db.StreamCreateConsumerGroupAsync(s.Key, s.Group, StreamPosition.Beginning, createStream: true),
                (Key: _key, Group: (RedisValue)Group), token).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
        }
    }

    /// <summary>
    /// Claims items pending longer than the acknowledgement timeout (a dead or slow consumer's, or released ones:
    /// <c>XAUTOCLAIM</c>), then reads their delivery counts (<c>XPENDING</c> over the claimed range, this consumer's
    /// only). Returns how many were delivered.
    /// </summary>
    private async Task<int> ClaimAsync(int room, CancellationToken token)
    {
        var connection = _owner.Connection;
        var claimed = await connection.RunAsync("XAUTOCLAIM",
            static (db, s) => db.StreamAutoClaimAsync(s.Key, s.Group, s.Name, s.IdleMs, "0-0", s.room),
            (Key: _key, Group: (RedisValue)Group, Name: (RedisValue)Name, IdleMs: (long)_options.AckTimeout.TotalMilliseconds, room), token).ConfigureAwait(false);
        var entries = new List<(StreamOffset Id, ReadOnlyMemory<byte> Payload)>();
        foreach (var entry in claimed.ClaimedEntries ?? [])
        {
            if (RedisProtocol.TryReadEntry(entry, out var id, out var payload))
            {
                entries.Add((id, payload));
            }
        }
        if (entries.Count == 0)
        {
            return 0;
        }
        // The range may also hold items pending for this consumer that it did not claim now (one it claimed earlier
        // sits between two claimed now): at most a prefetch of them, so ask for that many more, or a claimed item
        // past them would get no count. (Saturated: a prefetch near int.MaxValue must not wrap to a negative count.)
        var count = (int)Math.Min((long)entries.Count + _options.Prefetch, int.MaxValue);
        var pending = await connection.RunAsync("XPENDING",
            static (db, s) => db.StreamPendingMessagesAsync(s.Key, s.Group, s.count, s.Name, s.Min, s.Max),
            (Key: _key, Group: (RedisValue)Group, Name: (RedisValue)Name, count, Min: (RedisValue)entries[0].Id.ToString(), Max: (RedisValue)entries[^1].Id.ToString()), token).ConfigureAwait(false);
        var counts = new Dictionary<StreamOffset, int>(pending.Length);
        foreach (var info in pending)
        {
            if (RedisProtocol.TryParseOffset((byte[]?)info.MessageId, out var id))
            {
                counts[id] = info.DeliveryCount;
            }
        }
        foreach (var (id, payload) in entries)
        {
            Deliver(new BackplaneWorkItem(id, payload, counts.GetValueOrDefault(id, 1)));
        }
        return entries.Count;
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
