using System.Collections.Immutable;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;

namespace RxStreams.Backplanes.InMemory;

/// <summary>One presence set of the in-memory backplane. One process: members leave when their handle is disposed.</summary>
internal sealed class InMemoryPresenceSet
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _members = new(StringComparer.Ordinal);
    private readonly DeliveryQueue<PresenceEvent> _deliveries;
    private ImmutableArray<Subscriber<PresenceEvent>> _subscribers = [];

    public InMemoryPresenceSet(string name, ILogger logger) => _deliveries = new DeliveryQueue<PresenceEvent>(_gate, logger, name);

    public IAsyncDisposable? Join(PresenceMember member, bool exclusive = false)
    {
        var handle = new Handle(this, member.Id);
        bool drain;
        lock (_gate)
        {
            if (exclusive && _members.ContainsKey(member.Id))
            {
                return null;
            }
            var kind = _members.TryGetValue(member.Id, out var old) ? (old.Member == member ? (PresenceEventKind?)null : PresenceEventKind.Updated) : PresenceEventKind.Joined;
            _members[member.Id] = new Entry(member, handle);
            drain = kind is { } k && _deliveries.EnqueueLocked(new PresenceEvent(k, member), _subscribers.AsArray());
        }
        if (drain)
        {
            _deliveries.Drain();
        }
        return handle;
    }

    public IReadOnlyList<PresenceMember> Members()
    {
        lock (_gate)
        {
            return [.. _members.Values.Select(e => e.Member)];
        }
    }

    public PresenceMember? Member(string id)
    {
        lock (_gate)
        {
            return _members.TryGetValue(id, out var entry) ? entry.Member : null;
        }
    }

    public IObservable<PresenceEvent> Subscribe() => Observable.Create<PresenceEvent>(observer =>
    {
        var subscriber = new Subscriber<PresenceEvent>(observer, s =>
        {
            lock (_gate)
            {
                _subscribers = _subscribers.Remove(s);
            }
        });
        lock (_gate)
        {
            _subscribers = _subscribers.Add(subscriber);
        }
        return Disposable.Create(subscriber.Dispose);
    });

    private void Leave(Handle handle)
    {
        bool drain = false;
        lock (_gate)
        {
            // Only the latest join of an id removes it: an older handle of a member that joined again does nothing.
            if (_members.TryGetValue(handle.Id, out var entry) && ReferenceEquals(entry.Handle, handle))
            {
                _members.Remove(handle.Id);
                drain = _deliveries.EnqueueLocked(new PresenceEvent(PresenceEventKind.Left, entry.Member), _subscribers.AsArray());
            }
        }
        if (drain)
        {
            _deliveries.Drain();
        }
    }

    private readonly record struct Entry(PresenceMember Member, Handle Handle);

    private sealed class Handle(InMemoryPresenceSet set, string id) : IAsyncDisposable
    {
        private int _disposed;

        public string Id => id;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                set.Leave(this);
            }
            return ValueTask.CompletedTask;
        }
    }
}
