namespace RxStreams.Backplanes.InMemory;

/// <summary>A bounded, offset-ordered history: a ring of entries with binary search by offset. Not thread-safe.</summary>
internal sealed class EntryLog
{
    private BackplaneEntry[] _items = new BackplaneEntry[16];
    private int _head;

    public int Count { get; private set; }

    public BackplaneEntry this[int index] => _items[(_head + index) % _items.Length];

    public BackplaneEntry First => this[0];

    public void Add(BackplaneEntry entry)
    {
        if (Count == _items.Length)
        {
            var bigger = new BackplaneEntry[_items.Length * 2];
            for (var i = 0; i < Count; i++)
            {
                bigger[i] = this[i];
            }
            _items = bigger;
            _head = 0;
        }
        _items[(_head + Count) % _items.Length] = entry;
        Count++;
    }

    public BackplaneEntry RemoveFirst()
    {
        var first = _items[_head];
        _items[_head] = default;
        _head = (_head + 1) % _items.Length;
        Count--;
        return first;
    }

    /// <summary>The index of the first entry whose offset is greater than <paramref name="after"/> (Count when none is).</summary>
    public int IndexAfter(StreamOffset after)
    {
        int lo = 0, hi = Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (this[mid].Offset <= after)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    /// <summary>The index of the entry with exactly <paramref name="offset"/>, or -1.</summary>
    public int IndexOf(StreamOffset offset)
    {
        var i = IndexAfter(offset) - 1;
        return i >= 0 && this[i].Offset == offset ? i : -1;
    }

    public List<BackplaneEntry> CopyAfter(StreamOffset after, int maxCount)
    {
        var start = IndexAfter(after);
        var n = Math.Min(maxCount, Count - start);
        var list = new List<BackplaneEntry>(Math.Max(n, 0));
        for (var i = 0; i < n; i++)
        {
            list.Add(this[start + i]);
        }
        return list;
    }
}
