using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;

namespace RxStreams.Backplanes.InMemory;

/// <summary>One work queue of the in-memory backplane, with consumer groups as Redis Streams has them.</summary>
internal sealed class InMemoryWorkQueue
{
    private readonly object _gate = new();
    private readonly string _name;
    private readonly InMemoryBackplaneOptions _options;
    private readonly EntryLog _log = new();
    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private readonly DeliveryQueue<BackplaneWorkItem> _deliveries;
    private StreamOffset _last;
    private long _nextToken;
    private int _trimAt = 4096;

    public InMemoryWorkQueue(string name, InMemoryBackplaneOptions options, ILogger logger)
    {
        _name = name;
        _options = options;
        _deliveries = new DeliveryQueue<BackplaneWorkItem>(_gate, logger, name);
    }

    public StreamOffset Enqueue(ReadOnlyMemory<byte> payload)
    {
        bool drain = false;
        StreamOffset offset;
        lock (_gate)
        {
            if (_log.Count >= _trimAt)
            {
                TrimLocked();
                _trimAt = Math.Max(4096, _log.Count * 2);
            }
            if (_log.Count >= _options.MaxQueueLength)
            {
                throw new StreamException(StreamErrorCodes.QueueFull, $"Work queue '{_name}' holds {_log.Count} items, its limit (InMemoryBackplaneOptions.MaxQueueLength).");
            }
            var now = _options.Scheduler.Now;
            var ms = (ulong)Math.Max(0, now.ToUnixTimeMilliseconds());
            offset = ms > _last.Major ? new StreamOffset(ms, 0) : _last.Next();
            _last = offset;
            _log.Add(new BackplaneEntry(offset, now, payload));
            foreach (var group in _groups.Values)
            {
                drain |= DispatchLocked(group);
            }
        }
        if (drain)
        {
            _deliveries.Drain();
        }
        return offset;
    }

    public IObservable<BackplaneWorkItem> Consume(string groupName, string consumerName, WorkQueueOptions options) => Observable.Create<BackplaneWorkItem>(observer =>
    {
        Consumer? consumer = null;
        var subscriber = new Subscriber<BackplaneWorkItem>(observer, _ => Leave(consumer!));
        bool drain;
        lock (_gate)
        {
            if (!_groups.TryGetValue(groupName, out var group))
            {
                // A new group starts at the oldest item the queue holds.
                _groups[groupName] = group = new Group();
            }
            consumer = new Consumer(consumerName, group, subscriber, options);
            group.Consumers.Add(consumer);
            drain = DispatchLocked(group);
        }
        if (drain)
        {
            _deliveries.Drain();
        }
        return Disposable.Create(subscriber.Dispose);
    });

    public bool Ack(string groupName, string consumerName, StreamOffset id)
    {
        bool acked = false, drain = false;
        lock (_gate)
        {
            if (_groups.TryGetValue(groupName, out var group)
                && group.Pending.TryGetValue(id, out var pending)
                && pending.Owner.Name == consumerName)
            {
                group.Pending.Remove(id);
                pending.Owner.InFlight--;
                acked = true;
                drain = DispatchLocked(group);
            }
        }
        if (drain)
        {
            _deliveries.Drain();
        }
        return acked;
    }

    private void Leave(Consumer consumer)
    {
        bool drain;
        lock (_gate)
        {
            var group = consumer.Group;
            group.Consumers.Remove(consumer);
            // Whatever it took and did not acknowledge goes back to the group at once.
            foreach (var (id, pending) in group.Pending.Where(p => p.Value.Owner == consumer).ToList())
            {
                group.Pending.Remove(id);
                group.Redeliver[id] = pending.DeliveryCount;
            }
            drain = DispatchLocked(group);
        }
        if (drain)
        {
            _deliveries.Drain();
        }
    }

    private void Timeout(Group group, StreamOffset id, long token)
    {
        bool drain = false;
        lock (_gate)
        {
            if (group.Pending.TryGetValue(id, out var pending) && pending.Token == token)
            {
                group.Pending.Remove(id);
                pending.Owner.InFlight--;
                group.Redeliver[id] = pending.DeliveryCount;
                drain = DispatchLocked(group);
            }
        }
        if (drain)
        {
            _deliveries.Drain();
        }
    }

    /// <summary>Hands items to consumers with room, round robin: redeliveries first, then new items.</summary>
    private bool DispatchLocked(Group group)
    {
        var drain = false;
        while (NextConsumerLocked(group) is { } consumer)
        {
            StreamOffset id;
            int previousDeliveries;
            BackplaneEntry entry;
            if (group.Redeliver.Count > 0)
            {
                (id, previousDeliveries) = group.Redeliver.First();
                group.Redeliver.Remove(id);
                entry = _log[_log.IndexOf(id)];
            }
            else
            {
                var index = _log.IndexAfter(group.Cursor);
                if (index >= _log.Count)
                {
                    break;
                }
                entry = _log[index];
                id = entry.Offset;
                previousDeliveries = 0;
                group.Cursor = id;
            }
            var token = ++_nextToken;
            group.Pending[id] = new Pending(consumer, previousDeliveries + 1, token);
            consumer.InFlight++;
            group.RoundRobin++;
            drain |= _deliveries.EnqueueLocked([new BackplaneWorkItem(id, entry.Payload, previousDeliveries + 1)], consumer.Subscriber);
            _options.Scheduler.Schedule(consumer.Options.AckTimeout, () => Timeout(group, id, token));
        }
        return drain;
    }

    private static Consumer? NextConsumerLocked(Group group)
    {
        var n = group.Consumers.Count;
        for (var i = 0; i < n; i++)
        {
            var c = group.Consumers[(group.RoundRobin + i) % n];
            if (c.InFlight < c.Options.Prefetch && !c.Subscriber.IsDetached)
            {
                group.RoundRobin = (group.RoundRobin + i) % n;
                return c;
            }
        }
        return null;
    }

    /// <summary>Drops the items every group is done with.</summary>
    private void TrimLocked()
    {
        if (_groups.Count == 0)
        {
            return;
        }
        var floor = StreamOffset.MaxValue;
        foreach (var g in _groups.Values)
        {
            var groupFloor = g.Cursor.Next();
            foreach (var id in g.Pending.Keys)
            {
                groupFloor = id < groupFloor ? id : groupFloor;
            }
            if (g.Redeliver.Count > 0 && g.Redeliver.First().Key < groupFloor)
            {
                groupFloor = g.Redeliver.First().Key;
            }
            floor = groupFloor < floor ? groupFloor : floor;
        }
        while (_log.Count > 0 && _log.First.Offset < floor)
        {
            _log.RemoveFirst();
        }
    }

    private sealed class Group
    {
        public StreamOffset Cursor;
        public int RoundRobin;
        public readonly Dictionary<StreamOffset, Pending> Pending = [];
        public readonly SortedDictionary<StreamOffset, int> Redeliver = [];
        public readonly List<Consumer> Consumers = [];
    }

    private sealed class Consumer(string name, Group group, Subscriber<BackplaneWorkItem> subscriber, WorkQueueOptions options)
    {
        public string Name => name;
        public Group Group => group;
        public Subscriber<BackplaneWorkItem> Subscriber => subscriber;
        public WorkQueueOptions Options => options;
        public int InFlight;
    }

    private readonly record struct Pending(Consumer Owner, int DeliveryCount, long Token);
}
