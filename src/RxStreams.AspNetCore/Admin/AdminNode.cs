using System.Reactive.Linq;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RxStreams.AspNetCore.Connections;
using RxStreams.Backplanes;
using RxStreams.Channels;

namespace RxStreams.AspNetCore.Admin;

/// <summary>
/// This node's part of the admin page: every <see cref="RxStreamsAdminOptions.SnapshotInterval"/> it takes a snapshot
/// of its own figures and publishes it on the backplane's ephemeral channel <see cref="Channel"/>; while an admin
/// stream is open here, it listens to that channel and merges every node's latest snapshot
/// (<see cref="ClusterSnapshots"/>) into the view the stream sends.
/// </summary>
/// <remarks>
/// Taking a snapshot reads counters that exist anyway (one per connection, one per channel and queue) once per
/// interval; nothing here runs per message or per delivery.
/// </remarks>
internal sealed class AdminNode
{
    /// <summary>The backplane channel the nodes' snapshots travel on.</summary>
    public const string Channel = "$rx:admin";

    private readonly StreamHub _hub;
    private readonly StreamConnectionHandler _handler;
    private readonly RxStreamsAdminOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly IObservable<BackplaneEntry> _received;
    private readonly long _startedAt;
    private readonly Lock _gate = new();
    private Dictionary<(string, bool), long> _lastItems = [];
    private long _lastTimestamp;
    private long _sequence;
    private bool _failing;

    public AdminNode(StreamHub hub, StreamConnectionHandler handler, RxStreamsAdminOptions options, TimeProvider clock, ILogger logger)
    {
        _hub = hub;
        _handler = handler;
        _options = options;
        _clock = clock;
        _logger = logger;
        Name = options.NodeName ?? $"{Environment.MachineName}:{Environment.ProcessId}";
        Snapshots = new ClusterSnapshots(clock, options.EffectiveNodeExpiry);
        _startedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
        _lastTimestamp = clock.GetTimestamp();
        // One backplane subscription per node, shared by its admin streams, while any is open.
        _received = hub.Backplane.Subscribe(Channel).Do(Receive).Publish().RefCount();
    }

    /// <summary>This node's id.</summary>
    public string NodeId => _hub.Servers.NodeId;

    /// <summary>This node's display name.</summary>
    public string Name { get; }

    /// <summary>The latest snapshot of every node heard from.</summary>
    public ClusterSnapshots Snapshots { get; }

    public RxStreamsAdminOptions Options => _options;

    /// <summary>Publishes a snapshot now, then every interval until <paramref name="stopping"/>.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_options.SnapshotInterval, _clock);
        try
        {
            do
            {
                await PublishAsync(stopping).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>Takes a snapshot, keeps it (this node's page needs no round trip for it) and publishes it.</summary>
    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        try
        {
            var snapshot = TakeSnapshot();
            Snapshots.Add(snapshot);
            await _hub.Backplane.PublishAsync(Channel, JsonSerializer.SerializeToUtf8Bytes(snapshot, AdminJson.Default.NodeSnapshot), cancellationToken).ConfigureAwait(false);
            if (_failing)
            {
                _failing = false;
                AdminLog.PublishRecovered(_logger);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // Once per outage, not once per interval.
            if (!_failing)
            {
                _failing = true;
                AdminLog.PublishFailed(_logger, e);
            }
        }
    }

    /// <summary>
    /// The admin stream: the merged view at once, then every interval, for as long as it is subscribed. Listens to the
    /// admin channel meanwhile.
    /// </summary>
    public IObservable<ClusterView> Views() => Observable.Create<ClusterView>(observer =>
    {
        var synchronized = System.Reactive.Observer.Synchronize(observer);
        var listening = _received.Subscribe(static _ => { }, synchronized.OnError);
        var ticks = Observable.Timer(TimeSpan.Zero, _options.SnapshotInterval).Subscribe(_ => synchronized.OnNext(View()));
        return new System.Reactive.Disposables.CompositeDisposable(listening, ticks);
    });

    /// <summary>The merged view now.</summary>
    public ClusterView View() => new(_clock.GetUtcNow().ToUnixTimeMilliseconds(), NodeId, Snapshots.Current());

    private void Receive(BackplaneEntry entry)
    {
        NodeSnapshot? snapshot;
        try
        {
            snapshot = JsonSerializer.Deserialize(entry.Payload.Span, AdminJson.Default.NodeSnapshot);
        }
        catch (JsonException e)
        {
            AdminLog.UndecodableSnapshot(_logger, e);
            return;
        }
        if (snapshot is { Node.Length: > 0, Name: not null, Backplane: not null })
        {
            // A node of another version may leave a list out: the page expects every list.
            Snapshots.Add(snapshot with
            {
                Channels = snapshot.Channels ?? [],
                Presence = snapshot.Presence ?? [],
                Servers = snapshot.Servers ?? [],
                Queues = snapshot.Queues ?? [],
            });
        }
    }

    /// <summary>This node's figures now, with rates since the previous snapshot.</summary>
    public NodeSnapshot TakeSnapshot()
    {
        lock (_gate)
        {
            var now = _clock.GetTimestamp();
            var seconds = Math.Max(_clock.GetElapsedTime(_lastTimestamp, now).TotalSeconds, 0.001);
            _lastTimestamp = now;
            var max = _options.MaxListLength;

            var connections = 0;
            var streams = 0;
            long queued = 0, largest = 0;
            foreach (var connection in _handler.Connections)
            {
                connections++;
                streams += connection.StreamCount;
                var pending = connection.TotalPendingBytes;
                queued += pending;
                largest = Math.Max(largest, pending);
            }

            // Channels by name and kind (one per message type in the hub: summed).
            var channels = new Dictionary<(string Name, bool Durable), (int Subscribers, long Items)>();
            foreach (var channel in _hub.ChannelFigures)
            {
                if (IsInternal(channel.Name))
                {
                    continue;
                }
                var key = (channel.Name, channel.IsDurable);
                channels.TryGetValue(key, out var sum);
                channels[key] = (sum.Subscribers + channel.Subscribers, sum.Items + channel.Items);
            }
            var lastItems = new Dictionary<(string, bool), long>(channels.Count);
            var rows = new List<ChannelSnapshot>(channels.Count);
            double itemsPerSecond = 0;
            foreach (var ((name, durable), (subscribers, items)) in channels)
            {
                var before = _lastItems.GetValueOrDefault((name, durable), items);
                var rate = Math.Max(0, items - before) / seconds;
                itemsPerSecond += rate;
                lastItems[(name, durable)] = items;
                rows.Add(new ChannelSnapshot(name, durable, subscribers, items, Math.Round(rate, 2)));
            }
            _lastItems = lastItems;

            var presence = _hub.PresenceSets.Where(p => !IsInternal(p.Name))
                .Select(p => new PresenceSnapshot(p.Name, p.LocalMembers))
                .OrderByDescending(p => p.Members).ThenBy(p => p.Name, StringComparer.Ordinal).Take(max);
            var servers = _hub.Servers.LocalServers.Select(s => new ServerSnapshot(s.Name, s.ConnectionId))
                .OrderBy(s => s.Name, StringComparer.Ordinal).Take(max);
            var queues = _hub.QueueFigures.GroupBy(q => q.Name, StringComparer.Ordinal)
                .Select(g => new QueueSnapshot(g.Key, g.Sum(q => q.Consumers), g.Sum(q => q.Enqueued), g.Sum(q => q.Delivered), g.Sum(q => q.Acknowledged)))
                .OrderBy(q => q.Name, StringComparer.Ordinal).Take(max);

            return new NodeSnapshot(
                NodeId,
                Name,
                ++_sequence,
                _hub.Backplane.Name,
                _startedAt,
                _clock.GetUtcNow().ToUnixTimeMilliseconds(),
                connections,
                streams,
                queued,
                largest,
                _handler.Drops,
                Math.Round(itemsPerSecond, 2),
                rows.Count,
                [.. rows.OrderByDescending(c => c.Subscribers).ThenByDescending(c => c.Rate).ThenBy(c => c.Name, StringComparer.Ordinal).Take(max)],
                [.. presence],
                [.. servers],
                _hub.Servers.CallerStreams,
                _hub.Servers.HostedStreams,
                [.. queues]);
        }
    }

    /// <summary>The library's own channels and sets ($rx:…): the servers have their own list.</summary>
    private static bool IsInternal(string name) => name.StartsWith("$rx:", StringComparison.Ordinal);
}
