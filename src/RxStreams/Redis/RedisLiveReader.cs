using System.Diagnostics;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using RxStreams.Backplanes;
using RxStreams.Diagnostics;

namespace RxStreams.Redis;

/// <summary>
/// The node's one reader of durable channels. Per channel with live subscribers it keeps a cursor and at most one
/// read in flight, whatever the number of subscribers: a read fetches the entries after the cursor together with the
/// channel's bounds (one script, atomic), delivers them in order to every subscriber, and advances the cursor.
/// Reads are triggered by the wake-up each append publishes (one Redis SUBSCRIBE per channel per node), by the
/// subscription being confirmed, by a reconnection (with quick re-reads for a few seconds, while the multiplexer
/// resubscribes), and by a slow safety poll, so a lost wake-up costs latency, never an item. A subscriber whose
/// cursor the history no longer covers (trimmed past it, or the channel began a new life) gets
/// <see cref="StreamNotRecoveredException"/>: nothing is skipped silently.
/// </summary>
internal sealed class RedisLiveReader
{
    private const int BatchSize = 512;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FastPollPeriod = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan FastPollWindow = TimeSpan.FromSeconds(5);

    private readonly RedisChannelStore _store;
    private readonly RedisSubscriptions _subscriptions;
    private readonly RedisKeys _keys;
    private readonly RedisBackplaneOptions _options;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly Dictionary<string, LiveChannel> _channels = new(StringComparer.Ordinal);
    private readonly Timer _timer;
    private long _fastPollUntil;
    private long _lastPoll;
    private long _reads;
    private bool _closed;

    public RedisLiveReader(RedisChannelStore store, RedisSubscriptions subscriptions, RedisKeys keys, RedisBackplaneOptions options, ILogger logger)
    {
        _store = store;
        _subscriptions = subscriptions;
        _keys = keys;
        _options = options;
        _logger = logger;
        _lastPoll = Stopwatch.GetTimestamp();
        var period = options.LivePollInterval < FastPollPeriod ? options.LivePollInterval : FastPollPeriod;
        _timer = new Timer(static s => ((RedisLiveReader)s!).OnTimer(), this, period, period);
    }

    /// <summary>How many reads this node issued (for tests: it must not grow with the number of subscribers).</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>How many channels this node reads live.</summary>
    public int ChannelCount
    {
        get
        {
            lock (_gate)
            {
                return _channels.Count;
            }
        }
    }

    public IObservable<BackplaneEntry> Subscribe(string channel, StreamOffset after) => Observable.Create<BackplaneEntry>(observer =>
    {
        var subscriber = new LiveSubscriber(observer, after);
        LiveChannel? live;
        lock (_gate)
        {
            if (_closed)
            {
                live = null;
            }
            else
            {
                if (!_channels.TryGetValue(channel, out live))
                {
                    live = new LiveChannel(channel);
                    _channels[channel] = live;
                    var target = live;
                    live.WakeUps = _subscriptions.Listen(_keys.LiveWakeUp(channel), message => OnWakeUp(target, message), () => Kick(target));
                }
                live.Pending.Add(subscriber);
            }
        }
        if (live is null)
        {
            observer.OnCompleted();
            return Disposable.Empty;
        }
        Kick(live);
        return Disposable.Create((reader: this, live, subscriber), static s => s.reader.Remove(s.live, s.subscriber));
    });

    private void Remove(LiveChannel live, LiveSubscriber subscriber)
    {
        subscriber.Detached = true;
        IDisposable? wakeUps = null;
        lock (_gate)
        {
            live.Active.Remove(subscriber);
            live.Pending.Remove(subscriber);
            if (live.Active.Count == 0 && live.Pending.Count == 0 && !live.Closed)
            {
                live.Closed = true;
                _channels.Remove(live.Name);
                wakeUps = live.WakeUps;
            }
        }
        wakeUps?.Dispose();
    }

    private void OnWakeUp(LiveChannel live, byte[]? message)
    {
        // The wake-up carries the appended id: skip it when this node has read that far already.
        if (RedisProtocol.TryParseOffset(message, out var id))
        {
            lock (_gate)
            {
                if (live.Started && live.Pending.Count == 0 && id <= live.Cursor)
                {
                    return;
                }
            }
        }
        Kick(live);
    }

    /// <summary>Reads the channel now, or once more after the read in flight.</summary>
    private void Kick(LiveChannel live)
    {
        lock (_gate)
        {
            if (live.Reading)
            {
                live.Dirty = true;
                return;
            }
            if (live.Closed && live.Active.Count == 0 && live.Pending.Count == 0)
            {
                return;
            }
            live.Reading = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static s => _ = s.reader.ReadLoopAsync(s.live), (reader: this, live), preferLocal: false);
    }

    private async Task ReadLoopAsync(LiveChannel live)
    {
        LiveSubscriber[] subscribers;
        while (true)
        {
            StreamOffset cursor;
            lock (_gate)
            {
                if (live.Closed)
                {
                    // Disposed: end the subscribers from here, so OnCompleted never overlaps an OnNext.
                    subscribers = [.. live.Active, .. live.Pending];
                    live.Active.Clear();
                    live.Pending.Clear();
                    live.Reading = false;
                    break;
                }
                live.Dirty = false;
                foreach (var pending in live.Pending)
                {
                    if (!live.Started || pending.Last < live.Cursor)
                    {
                        live.Cursor = pending.Last;
                    }
                    live.Started = true;
                    live.Active.Add(pending);
                }
                live.Pending.Clear();
                if (live.Active.Count == 0)
                {
                    live.Reading = false;
                    return;
                }
                subscribers = [.. live.Active];
                cursor = live.Cursor;
            }

            BackplaneReadResult page;
            try
            {
                Interlocked.Increment(ref _reads);
                page = await _store.ReadAsync(live.Name, cursor, BatchSize, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Unavailable (most likely), or anything unexpected: either way the channel must not stay stuck.
                int failures;
                lock (_gate)
                {
                    live.Reading = false;
                    failures = ++live.Failures;
                }
                if (e is not ObjectDisposedException && failures == 1)
                {
                    RedisLog.LiveReadFailed(_logger, live.Name, e);
                }
                // Try again, less and less often; a reconnection triggers reads at once anyway.
                _ = RetryLaterAsync(live, TimeSpan.FromTicks(Math.Min(RetryDelay.Ticks << Math.Min(failures - 1, 5), MaxRetryDelay.Ticks)));
                return;
            }

            lock (_gate)
            {
                live.Failures = 0;
            }
            foreach (var subscriber in subscribers)
            {
                if (!subscriber.Detached && !page.Info.CanResumeAfter(subscriber.Last))
                {
                    var error = new StreamNotRecoveredException(live.Name, subscriber.Last, page.Info.First);
                    RedisLog.LiveNotRecovered(_logger, live.Name, subscriber.Last, page.Info.Epoch, page.Info.TrimmedThrough);
                    Remove(live, subscriber);
                    try
                    {
                        subscriber.Observer.OnError(error);
                    }
                    catch (Exception e)
                    {
                        RedisLog.SubscriberThrew(_logger, live.Name, e);
                    }
                }
            }
            foreach (var entry in page.Entries)
            {
                foreach (var subscriber in subscribers)
                {
                    if (subscriber.Detached || entry.Offset <= subscriber.Last)
                    {
                        continue;
                    }
                    subscriber.Last = entry.Offset;
                    try
                    {
                        subscriber.Observer.OnNext(entry);
                    }
                    catch (Exception e)
                    {
                        Remove(live, subscriber);
                        RedisLog.SubscriberThrew(_logger, live.Name, e);
                        RxStreamsMetrics.SubscriberErrors.Add(1);
                    }
                }
            }

            lock (_gate)
            {
                if (page.Entries.Count > 0 && page.Entries[^1].Offset > live.Cursor)
                {
                    live.Cursor = page.Entries[^1].Offset;
                }
                if (!live.Dirty && page.Entries.Count < BatchSize && live.Pending.Count == 0 && !live.Closed)
                {
                    live.Reading = false;
                    return;
                }
            }
        }
        foreach (var subscriber in subscribers)
        {
            if (!subscriber.Detached)
            {
                subscriber.Detached = true;
                try
                {
                    subscriber.Observer.OnCompleted();
                }
                catch (Exception e)
                {
                    RedisLog.SubscriberThrew(_logger, live.Name, e);
                }
            }
        }
    }

    private async Task RetryLaterAsync(LiveChannel live, TimeSpan delay)
    {
        await Task.Delay(delay).ConfigureAwait(false);
        Kick(live);
    }

    private void OnTimer()
    {
        var now = Stopwatch.GetTimestamp();
        if (now < Interlocked.Read(ref _fastPollUntil) || Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastPoll), now) >= _options.LivePollInterval)
        {
            Interlocked.Exchange(ref _lastPoll, now);
            KickAll();
        }
    }

    /// <summary>After a reconnection: read every channel now and a few times more while the multiplexer resubscribes.</summary>
    public void OnReconnected()
    {
        Interlocked.Exchange(ref _fastPollUntil, Stopwatch.GetTimestamp() + (long)(FastPollWindow.TotalSeconds * Stopwatch.Frequency));
        KickAll();
    }

    private void KickAll()
    {
        LiveChannel[] channels;
        lock (_gate)
        {
            channels = [.. _channels.Values];
        }
        foreach (var live in channels)
        {
            Kick(live);
        }
    }

    /// <summary>Ends every subscription (OnCompleted) unless <paramref name="silently"/> (a simulated crash).</summary>
    public void Close(bool silently)
    {
        LiveChannel[] channels;
        lock (_gate)
        {
            _closed = true;
            channels = [.. _channels.Values];
            _channels.Clear();
            foreach (var live in channels)
            {
                live.Closed = true;
                if (silently)
                {
                    live.Active.ForEach(s => s.Detached = true);
                    live.Pending.ForEach(s => s.Detached = true);
                    live.Active.Clear();
                    live.Pending.Clear();
                }
            }
        }
        _timer.Dispose();
        foreach (var live in channels)
        {
            live.WakeUps?.Dispose();
            Kick(live);
        }
    }

    private sealed class LiveChannel(string name)
    {
        public string Name => name;
        public readonly List<LiveSubscriber> Active = [];
        public readonly List<LiveSubscriber> Pending = [];
        public StreamOffset Cursor;
        public bool Started;
        public bool Reading;
        public bool Dirty;
        public bool Closed;
        public int Failures;
        public IDisposable? WakeUps;
    }

    private sealed class LiveSubscriber(IObserver<BackplaneEntry> observer, StreamOffset after)
    {
        public IObserver<BackplaneEntry> Observer => observer;
        public StreamOffset Last = after;
        public volatile bool Detached;
    }
}
