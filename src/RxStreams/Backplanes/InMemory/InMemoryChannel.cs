using System.Collections.Immutable;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using RxStreams.Diagnostics;

namespace RxStreams.Backplanes.InMemory;

/// <summary>One durable or ephemeral channel of the in-memory backplane.</summary>
internal sealed class InMemoryChannel
{
    private readonly object _gate = new();
    private readonly string _name;
    private readonly InMemoryBackplaneOptions _options;
    private readonly EntryLog _log = new();
    private readonly DeliveryQueue<BackplaneEntry> _deliveries;
    private readonly StreamOffset _epoch;
    private ImmutableArray<Subscriber<BackplaneEntry>> _subscribers = [];
    private StreamOffset _last;
    private StreamOffset _trimmedThrough;

    public InMemoryChannel(string name, InMemoryBackplaneOptions options, ILogger logger)
    {
        _name = name;
        _options = options;
        _deliveries = new DeliveryQueue<BackplaneEntry>(_gate, logger, name);
        // Offsets below the time this channel came to be belong to an earlier life (an earlier process).
        _epoch = new StreamOffset((ulong)options.Scheduler.Now.ToUnixTimeMilliseconds(), 0);
        _last = _epoch;
    }

    public StreamOffset Append(ReadOnlyMemory<byte> payload, int maxLength, bool durable)
    {
        var offset = Append(payload, maxLength, durable, out var drain);
        if (drain)
        {
            _deliveries.Drain();
        }
        return offset;
    }

    /// <summary>
    /// Appends without delivering: when <paramref name="drain"/> comes back true, the caller calls <see cref="Drain"/>
    /// once it holds no lock of its own (models append while they hold theirs, to keep state and changes in step).
    /// </summary>
    public StreamOffset Append(ReadOnlyMemory<byte> payload, int maxLength, bool durable, out bool drain)
    {
        BackplaneEntry entry;
        // The publisher's trace context, kept with a durable item only when the publish is traced.
        var traceParent = durable ? RxStreamsTracing.CurrentTraceParent() : null;
        lock (_gate)
        {
            var now = _options.Scheduler.Now;
            var ms = (ulong)Math.Max(0, now.ToUnixTimeMilliseconds());
            var offset = durable ? (ms > _last.Major ? new StreamOffset(ms, 0) : _last.Next()) : default;
            entry = new BackplaneEntry(offset, now, payload) { TraceParent = traceParent };
            if (durable)
            {
                _last = offset;
                _log.Add(entry);
                while (_log.Count > maxLength)
                {
                    _trimmedThrough = _log.RemoveFirst().Offset;
                }
            }
            drain = _deliveries.EnqueueLocked(entry, _subscribers.AsArray());
        }
        return entry.Offset;
    }

    /// <summary>Delivers what <see cref="Append(ReadOnlyMemory{byte}, int, bool, out bool)"/> queued.</summary>
    public void Drain() => _deliveries.Drain();

    public BackplaneReadResult Read(StreamOffset after, int count)
    {
        lock (_gate)
        {
            return new BackplaneReadResult(_log.CopyAfter(after, count), InfoLocked());
        }
    }

    public StreamChannelInfo Info()
    {
        lock (_gate)
        {
            return InfoLocked();
        }
    }

    private StreamChannelInfo InfoLocked()
        => new(_name, _epoch, _trimmedThrough, _log.Count > 0 ? _log.First.Offset : null, _last == _epoch ? null : _last, _log.Count);

    /// <summary>Live entries after <paramref name="after"/> (durable) or from now on (ephemeral: <paramref name="after"/> is null).</summary>
    public IObservable<BackplaneEntry> Subscribe(StreamOffset? after) => Observable.Create<BackplaneEntry>(observer =>
    {
        var subscriber = new Subscriber<BackplaneEntry>(observer, Remove);
        bool drain;
        lock (_gate)
        {
            _subscribers = _subscribers.Add(subscriber);
            // Entries appended after `after` but before this subscription: delivered first, through the same queue,
            // so they come before anything appended from now on and after anything already queued for others.
            drain = after is { } from && _deliveries.EnqueueLocked(_log.CopyAfter(from, int.MaxValue), subscriber);
        }
        if (drain)
        {
            _deliveries.Drain();
        }
        return Disposable.Create(subscriber.Dispose);
    });

    private void Remove(Subscriber<BackplaneEntry> subscriber)
    {
        lock (_gate)
        {
            _subscribers = _subscribers.Remove(subscriber);
        }
    }
}

internal static class ImmutableArrayExtensions
{
    /// <summary>The array under an immutable array, without a copy (it is never mutated).</summary>
    public static T[] AsArray<T>(this ImmutableArray<T> array)
        => System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsArray(array) ?? [];
}
