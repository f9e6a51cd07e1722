using Microsoft.Extensions.Logging;
using RxStreams.Diagnostics;

namespace RxStreams.Channels;

/// <summary>
/// Observers of one shared feed. Delivery reads an immutable snapshot (no lock held while calling observers);
/// an observer that throws is detached and logged, and the others go on.
/// </summary>
/// <remarks>
/// Joining and leaving cost O(1) (amortized) whatever the number of observers, so a channel with 100,000 subscribers
/// takes a new one as cheaply as a channel with 10. Observers sit in slots of an array that only grows at its end;
/// a snapshot is that array with the count in use when it was taken. Leaving empties a slot (delivery skips it); the
/// array is compacted into a new one when more than half of it is empty, so its size stays within twice the number
/// of observers. A delivery under way keeps the array it started with: an observer that leaves meanwhile may still
/// get that one item, one that joins meanwhile does not.
/// </remarks>
internal sealed class SynchronousFanout<TItem>
{
    private readonly ILogger _logger;
    private readonly string _source;
    private readonly Lock _gate = new();
    private readonly Dictionary<IObserver<TItem>, Slot> _slots = new(ReferenceEqualityComparer.Instance);
    private Snapshot _snapshot = Snapshot.Empty;
    private int _live;

    public SynchronousFanout(ILogger logger, string source)
    {
        _logger = logger;
        _source = source;
    }

    public bool IsEmpty => Volatile.Read(ref _live) == 0;

    /// <summary>The observers now.</summary>
    public int Count => Volatile.Read(ref _live);

    /// <summary>Adds an observer; returns true when it is the first.</summary>
    public bool Add(IObserver<TItem> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        lock (_gate)
        {
            var snapshot = _snapshot;
            var slots = snapshot.Slots;
            var count = snapshot.Count;
            if (count == slots.Length)
            {
                slots = Compact(slots, count, Math.Max(4, _live * 2));
                count = _live;
            }
            var slot = new Slot(observer);
            if (_slots.TryGetValue(observer, out var existing))
            {
                // The same observer twice: each Remove takes one of them.
                slot.Next = existing;
            }
            _slots[observer] = slot;
            slots[count] = slot;
            Volatile.Write(ref _snapshot, new Snapshot(slots, count + 1));
            return ++_live == 1;
        }
    }

    /// <summary>Removes an observer; returns true when none is left (false too when it was not there).</summary>
    public bool Remove(IObserver<TItem> observer)
    {
        lock (_gate)
        {
            if (!_slots.TryGetValue(observer, out var slot))
            {
                return false;
            }
            if (slot.Next is { } next)
            {
                _slots[observer] = next;
            }
            else
            {
                _slots.Remove(observer);
            }
            slot.Observer = null;
            _live--;
            var snapshot = _snapshot;
            if (_live == 0)
            {
                Volatile.Write(ref _snapshot, Snapshot.Empty);
            }
            else if (snapshot.Count > 16 && _live < snapshot.Count / 2)
            {
                Volatile.Write(ref _snapshot, new Snapshot(Compact(snapshot.Slots, snapshot.Count, _live * 2), _live));
            }
            return _live == 0;
        }
    }

    /// <summary>A new array of <paramref name="capacity"/> slots holding the observers of the first <paramref name="count"/> slots, in order.</summary>
    private static Slot?[] Compact(Slot?[] slots, int count, int capacity)
    {
        var compacted = new Slot?[Math.Max(4, capacity)];
        var j = 0;
        for (var i = 0; i < count; i++)
        {
            if (slots[i] is { Observer: not null } slot)
            {
                compacted[j++] = slot;
            }
        }
        return compacted;
    }

    public void OnNext(TItem item)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        var slots = snapshot.Slots;
        for (var i = 0; i < snapshot.Count; i++)
        {
            if (slots[i] is not { } slot || Volatile.Read(ref slot.Observer) is not { } observer)
            {
                continue;
            }
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
        Snapshot snapshot;
        lock (_gate)
        {
            snapshot = _snapshot;
            _snapshot = Snapshot.Empty;
            _slots.Clear();
            _live = 0;
        }
        for (var i = 0; i < snapshot.Count; i++)
        {
            if (snapshot.Slots[i] is not { } slot || Interlocked.Exchange(ref slot.Observer, null) is not { } observer)
            {
                continue;
            }
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

    /// <summary>One observer's place; emptied (null) when it leaves.</summary>
    private sealed class Slot(IObserver<TItem> observer)
    {
        public IObserver<TItem>? Observer = observer;

        /// <summary>An earlier slot of the same observer, added twice.</summary>
        public Slot? Next;
    }

    /// <summary>The slots in use when it was taken: the first <see cref="Count"/> of <see cref="Slots"/>.</summary>
    private sealed class Snapshot(Slot?[] slots, int count)
    {
        public static readonly Snapshot Empty = new([], 0);

        public Slot?[] Slots { get; } = slots;

        public int Count { get; } = count;
    }
}
