namespace RxStreams.LoadTests.Load;

/// <summary>One storm client's received numbers: how often each arrived (on the wire, before any deduplication).</summary>
internal sealed class SequenceTracker : IMessageSink
{
    private byte[] _counts = new byte[64];
    private long _next = 1;
    private long _received;

    /// <summary>The lowest number not received yet (every number below it arrived at least once).</summary>
    public long Next => Volatile.Read(ref _next);

    /// <summary>Every item received, of any number.</summary>
    public long Received => Volatile.Read(ref _received);

    /// <summary>Called by the client's receive loop only (one at a time).</summary>
    public void OnMessage(long seq, long t)
    {
        Volatile.Write(ref _received, _received + 1);
        if (seq < 1 || seq >= int.MaxValue / 2)
        {
            return;
        }
        if (seq >= _counts.Length)
        {
            Array.Resize(ref _counts, Math.Max(_counts.Length * 2, (int)seq + 1));
        }
        if (_counts[seq] < byte.MaxValue)
        {
            _counts[seq]++;
        }
        var next = _next;
        while (next < _counts.Length && _counts[next] > 0)
        {
            next++;
        }
        Volatile.Write(ref _next, next);
    }

    /// <summary>Of the numbers 1 to <paramref name="last"/>: how many never arrived, and how many extra copies arrived.</summary>
    public (long Lost, long Doubled) Count(long last)
    {
        long lost = 0, doubled = 0;
        for (long s = 1; s <= last; s++)
        {
            var c = s < _counts.Length ? _counts[s] : 0;
            lost += c == 0 ? 1 : 0;
            doubled += c > 1 ? c - 1 : 0;
        }
        for (var s = last + 1; s < _counts.Length; s++)
        {
            doubled += _counts[s] > 1 ? _counts[s] - 1 : 0;
        }
        return (lost, doubled);
    }
}
