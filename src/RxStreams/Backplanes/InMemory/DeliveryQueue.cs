using Microsoft.Extensions.Logging;
using RxStreams.Diagnostics;

namespace RxStreams.Backplanes.InMemory;

/// <summary>
/// Delivers items to subscribers in the order they were enqueued, one at a time, outside the owner's lock.
/// The owner enqueues while holding its lock (so the order matches the order it decided) and drains after
/// releasing it; whichever thread finds the queue idle drains it. A subscriber that throws is detached.
/// </summary>
/// <typeparam name="TItem">The item type.</typeparam>
internal sealed class DeliveryQueue<TItem>
{
    private readonly Queue<Delivery> _queue = new();
    private readonly object _gate;
    private readonly ILogger _logger;
    private readonly string _source;
    private bool _draining;

    public DeliveryQueue(object gate, ILogger logger, string source)
    {
        _gate = gate;
        _logger = logger;
        _source = source;
    }

    /// <summary>Enqueues one item for <paramref name="targets"/>. Call under the owner's lock; returns true when the caller must call <see cref="Drain"/> after releasing it.</summary>
    public bool EnqueueLocked(TItem item, Subscriber<TItem>[] targets)
    {
        if (targets.Length == 0)
        {
            return false;
        }
        _queue.Enqueue(new Delivery(item, targets, null));
        return StartDrainLocked();
    }

    /// <summary>Enqueues several items for one target. Call under the owner's lock.</summary>
    public bool EnqueueLocked(IReadOnlyList<TItem> items, Subscriber<TItem> target)
    {
        if (items.Count == 0)
        {
            return false;
        }
        _queue.Enqueue(new Delivery(default!, [target], items));
        return StartDrainLocked();
    }

    private bool StartDrainLocked()
    {
        if (_draining)
        {
            return false;
        }
        _draining = true;
        return true;
    }

    /// <summary>Delivers everything queued, including what is enqueued meanwhile (also from within an observer).</summary>
    public void Drain()
    {
        while (true)
        {
            Delivery delivery;
            lock (_gate)
            {
                if (!_queue.TryDequeue(out delivery))
                {
                    _draining = false;
                    return;
                }
            }
            foreach (var target in delivery.Targets)
            {
                if (delivery.Items is { } items)
                {
                    for (var i = 0; i < items.Count && !target.IsDetached; i++)
                    {
                        Deliver(target, items[i]);
                    }
                }
                else
                {
                    Deliver(target, delivery.Item);
                }
            }
        }
    }

    private void Deliver(Subscriber<TItem> target, TItem item)
    {
        if (target.IsDetached)
        {
            return;
        }
        try
        {
            target.Observer.OnNext(item);
        }
        catch (Exception e)
        {
            target.Detach();
            RxStreamsLog.SubscriberThrew(_logger, _source, e);
            RxStreamsMetrics.SubscriberErrors.Add(1);
        }
    }

    private readonly record struct Delivery(TItem Item, Subscriber<TItem>[] Targets, IReadOnlyList<TItem>? Items);
}

/// <summary>A subscription to an in-memory source: disposing it detaches the observer.</summary>
internal sealed class Subscriber<TItem> : IDisposable
{
    private readonly Action<Subscriber<TItem>>? _onDispose;
    private int _detached;

    public Subscriber(IObserver<TItem> observer, Action<Subscriber<TItem>>? onDispose)
    {
        Observer = observer;
        _onDispose = onDispose;
    }

    public IObserver<TItem> Observer { get; }

    public bool IsDetached => Volatile.Read(ref _detached) != 0;

    public void Detach()
    {
        if (Interlocked.Exchange(ref _detached, 1) == 0)
        {
            _onDispose?.Invoke(this);
        }
    }

    public void Dispose() => Detach();
}
