using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using RxStreams.Diagnostics;

namespace RxStreams.Redis;

/// <summary>
/// Ordered delivery to a node's local observers of one source (an ephemeral channel, a presence set, a consumer).
/// Items are queued by whoever receives them (a Redis callback, which must not wait on application code) and
/// delivered one at a time on the thread pool, never under a lock. An observer that throws is detached and logged;
/// the others go on.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
internal sealed class QueuedFanout<T>
{
    private readonly object _gate = new();
    private readonly Queue<(T Item, bool Complete)> _queue = new();
    private readonly ILogger _logger;
    private readonly string _source;
    private ImmutableArray<Sink> _sinks = [];
    private bool _draining;
    private bool _completed;

    public QueuedFanout(ILogger logger, string source)
    {
        _logger = logger;
        _source = source;
    }

    /// <summary>Adds an observer; disposing the result detaches it.</summary>
    public IDisposable Add(IObserver<T> observer)
    {
        var sink = new Sink(this, observer);
        bool completed;
        lock (_gate)
        {
            completed = _completed;
            if (!completed)
            {
                _sinks = _sinks.Add(sink);
            }
        }
        if (completed)
        {
            observer.OnCompleted();
        }
        return sink;
    }

    public bool IsEmpty
    {
        get
        {
            lock (_gate)
            {
                return _sinks.IsEmpty;
            }
        }
    }

    /// <summary>Queues an item for every observer attached now or later before it is delivered.</summary>
    public void Post(T item) => Enqueue((item, false));

    /// <summary>Queues the end: observers get OnCompleted after the items queued before it.</summary>
    public void Complete() => Enqueue((default!, true));

    private void Enqueue((T Item, bool Complete) entry)
    {
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }
            _completed = entry.Complete;
            _queue.Enqueue(entry);
            if (_draining)
            {
                return;
            }
            _draining = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static self => self.Drain(), this, preferLocal: false);
    }

    private void Drain()
    {
        while (true)
        {
            (T Item, bool Complete) entry;
            ImmutableArray<Sink> sinks;
            lock (_gate)
            {
                if (!_queue.TryDequeue(out entry))
                {
                    _draining = false;
                    return;
                }
                sinks = _sinks;
                if (entry.Complete)
                {
                    _sinks = [];
                }
            }
            foreach (var sink in sinks)
            {
                if (!sink.IsDetached)
                {
                    Deliver(sink, entry);
                }
            }
        }
    }

    private void Deliver(Sink sink, (T Item, bool Complete) entry)
    {
        try
        {
            if (entry.Complete)
            {
                sink.Observer.OnCompleted();
            }
            else
            {
                sink.Observer.OnNext(entry.Item);
            }
        }
        catch (Exception e)
        {
            sink.Dispose();
            RedisLog.SubscriberThrew(_logger, _source, e);
            RxStreamsMetrics.SubscriberErrors.Add(1);
        }
    }

    private void Remove(Sink sink)
    {
        lock (_gate)
        {
            _sinks = _sinks.Remove(sink);
        }
    }

    /// <summary>Raised (outside the lock) when the last observer leaves.</summary>
    public event Action? Emptied;

    private sealed class Sink(QueuedFanout<T> owner, IObserver<T> observer) : IDisposable
    {
        private int _detached;

        public IObserver<T> Observer => observer;

        public bool IsDetached => Volatile.Read(ref _detached) != 0;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _detached, 1) == 0)
            {
                owner.Remove(this);
                if (owner.IsEmpty)
                {
                    owner.Emptied?.Invoke();
                }
            }
        }
    }
}
