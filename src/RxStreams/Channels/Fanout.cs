using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using RxStreams.Diagnostics;

namespace RxStreams.Channels;

/// <summary>
/// Observers of one shared feed. Delivery reads an immutable snapshot (no lock held while calling observers);
/// an observer that throws is detached and logged, and the others go on.
/// </summary>
internal sealed class Fanout<TItem>
{
    private readonly ILogger _logger;
    private readonly string _source;
    private ImmutableArray<IObserver<TItem>> _observers = [];

    public Fanout(ILogger logger, string source)
    {
        _logger = logger;
        _source = source;
    }

    public bool IsEmpty => _observers.IsEmpty;

    /// <summary>Adds an observer; returns true when it is the first.</summary>
    public bool Add(IObserver<TItem> observer)
    {
        var wasEmpty = false;
        ImmutableInterlocked.Update(ref _observers, (list, o) =>
        {
            wasEmpty = list.IsEmpty;
            return list.Add(o);
        }, observer);
        return wasEmpty;
    }

    /// <summary>Removes an observer; returns true when none is left.</summary>
    public bool Remove(IObserver<TItem> observer)
    {
        var nowEmpty = false;
        ImmutableInterlocked.Update(ref _observers, (list, o) =>
        {
            var next = list.Remove(o);
            nowEmpty = next.IsEmpty;
            return next;
        }, observer);
        return nowEmpty;
    }

    public void OnNext(TItem item)
    {
        foreach (var observer in _observers)
        {
            try
            {
                observer.OnNext(item);
            }
            catch (Exception e)
            {
                Remove(observer);
                RxStreamsLog.SubscriberThrew(_logger, _source, e);
                RxStreamsMetrics.SubscriberErrors.Add(1);
            }
        }
    }

    /// <summary>Ends every observer and forgets them all.</summary>
    public void Terminate(Exception? error)
    {
        var observers = ImmutableInterlocked.InterlockedExchange(ref _observers, []);
        foreach (var observer in observers)
        {
            try
            {
                observer.Terminate(error);
            }
            catch (Exception e)
            {
                RxStreamsLog.SubscriberThrew(_logger, _source, e);
            }
        }
    }
}
