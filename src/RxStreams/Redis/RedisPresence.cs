using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace RxStreams.Redis;

/// <summary>
/// Presence sets in Redis: a sorted set of leases (member id → expiry on the Redis clock) and a hash of members per
/// set, changed only by scripts that publish what they did (join, update, leave) on the set's events channel. This
/// node renews the leases of its members every third of the lease, one script per set; members whose lease expired
/// (their node died) are removed, and their leave published, by whichever node next touches or watches the set.
/// </summary>
internal sealed class RedisPresence
{
    private readonly RedisConnection _connection;
    private readonly RedisKeys _keys;
    private readonly RedisBackplaneOptions _options;
    private readonly ILogger _logger;
    private readonly string _nodeId;
    private readonly object _gate = new();
    private readonly Dictionary<(string Set, string Id), Handle> _owned = [];
    private readonly RedisTopics<PresenceEvent> _watched;
    private readonly Timer _timer;
    private long _nextToken;
    private Task _tick = Task.CompletedTask;
    private bool _stopped;

    public RedisPresence(RedisConnection connection, RedisSubscriptions subscriptions, RedisKeys keys, RedisBackplaneOptions options, ILogger logger, string nodeId)
    {
        _connection = connection;
        _keys = keys;
        _options = options;
        _logger = logger;
        _nodeId = nodeId;
        _watched = new RedisTopics<PresenceEvent>(subscriptions, keys.PresenceEvents, RedisProtocol.TryReadPresenceEvent, logger);
        var period = options.PresenceLease / 3;
        _timer = new Timer(static s => _ = ((RedisPresence)s!).TickAsync(), this, period, period);
    }

    private long LeaseMs => (long)_options.PresenceLease.TotalMilliseconds;

    public async ValueTask<IAsyncDisposable> JoinAsync(string set, PresenceMember member, CancellationToken cancellationToken)
        => (await JoinAsync(set, member, exclusive: false, cancellationToken).ConfigureAwait(false))!;

    /// <summary>Joins; with <paramref name="exclusive"/>, only if no live entry holds the id (null when taken).</summary>
    public async ValueTask<IAsyncDisposable?> JoinAsync(string set, PresenceMember member, bool exclusive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(member);
        var handle = new Handle(this, set, member, $"{_nodeId}:{Interlocked.Increment(ref _nextToken)}", RedisProtocol.WriteMember(member));
        var joined = await _connection.EvalAsync(
            exclusive ? RedisScripts.JoinExclusive : RedisScripts.Join,
            [_keys.PresenceLeases(set), _keys.PresenceMembers(set)],
            [member.Id, handle.Token, handle.Json, LeaseMs, _keys.PresenceEvents(set)],
            cancellationToken).ConfigureAwait(false);
        if ((long)joined == 0)
        {
            return null;
        }
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            _owned[(set, member.Id)] = handle;
        }
        return handle;
    }

    public async ValueTask<IReadOnlyList<PresenceMember>> GetAsync(string set, CancellationToken cancellationToken)
    {
        if (_watched.WhenSubscribed(set) is { IsCompleted: false } subscribing)
        {
            // A watcher of this node subscribed to the set's events and now reads a snapshot (the hub's Watch does):
            // read it once the Redis subscription is confirmed, so no event falls between the two.
            try
            {
                await subscribing.WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }
        var result = (RedisResult[])(await _connection.EvalAsync(
            RedisScripts.Members,
            [_keys.PresenceLeases(set), _keys.PresenceMembers(set)],
            [_keys.PresenceEvents(set)],
            cancellationToken).ConfigureAwait(false))!;
        var members = new List<PresenceMember>(result.Length);
        foreach (var item in result)
        {
            if (ReadMember(set, item) is { } member)
            {
                members.Add(member);
            }
        }
        return members;
    }

    /// <summary>One member, looked up by id (expired leases are swept first, as for the whole set).</summary>
    public async ValueTask<PresenceMember?> GetMemberAsync(string set, string id, CancellationToken cancellationToken)
    {
        var result = await _connection.EvalAsync(
            RedisScripts.Member,
            [_keys.PresenceLeases(set), _keys.PresenceMembers(set)],
            [id, _keys.PresenceEvents(set)],
            cancellationToken).ConfigureAwait(false);
        return result is null || result.IsNull ? null : ReadMember(set, result);
    }

    /// <summary>A stored member, or null (logged) when this version cannot read it.</summary>
    private PresenceMember? ReadMember(string set, RedisResult stored)
    {
        try
        {
            return RedisProtocol.ReadMember((byte[]?)stored ?? []);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            RedisLog.UndecodableMessage(_logger, set, e);
            return null;
        }
    }

    /// <summary>Joins, updates and leaves of a set, as this node hears them; the set is swept while watched.</summary>
    public IObservable<PresenceEvent> Subscribe(string set) => _watched.Subscribe(set);

    /// <summary>After a reconnection: renew at once (Redis may have lost the members) and sweep.</summary>
    public void OnReconnected() => _ = TickAsync();

    private Task TickAsync()
    {
        lock (_gate)
        {
            if (!_tick.IsCompleted)
            {
                return _tick;
            }
            return _tick = RenewAndSweepAsync();
        }
    }

    private async Task RenewAndSweepAsync()
    {
        await Task.Yield();
        List<IGrouping<string, Handle>> owned;
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }
            owned = [.. _owned.Values.GroupBy(h => h.Set, StringComparer.Ordinal)];
        }
        // A renewal sweeps its set too: only the sets watched here without members of this node need a sweep of their own.
        var watched = _watched.Names().Except(owned.Select(g => g.Key), StringComparer.Ordinal);
        await Task.WhenAll(owned.Select(RenewAsync).Concat(watched.Select(SweepAsync))).ConfigureAwait(false);
    }

    private async Task RenewAsync(IGrouping<string, Handle> set)
    {
        var args = new List<RedisValue> { LeaseMs, _keys.PresenceEvents(set.Key) };
        foreach (var handle in set)
        {
            args.Add(handle.Member.Id);
            args.Add(handle.Token);
            args.Add(handle.Json);
        }
        try
        {
            await _connection.EvalAsync(RedisScripts.Renew, [_keys.PresenceLeases(set.Key), _keys.PresenceMembers(set.Key)], [.. args], CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            RedisLog.PresenceRenewFailed(_logger, set.Key, e);
        }
    }

    private async Task SweepAsync(string set)
    {
        try
        {
            await _connection.EvalAsync(RedisScripts.Sweep, [_keys.PresenceLeases(set), _keys.PresenceMembers(set)], [_keys.PresenceEvents(set)], CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            RedisLog.PresenceSweepFailed(_logger, set, e);
        }
    }

    private async ValueTask LeaveAsync(Handle handle)
    {
        Task tick;
        lock (_gate)
        {
            if (_owned.TryGetValue((handle.Set, handle.Member.Id), out var current) && current == handle)
            {
                _owned.Remove((handle.Set, handle.Member.Id));
            }
            tick = _tick;
        }
        try
        {
            // A renewal in flight may still hold this member (and would put it back if it ran after the leave).
            await tick.ConfigureAwait(false);

            await _connection.EvalAsync(
                RedisScripts.Leave,
                [_keys.PresenceLeases(handle.Set), _keys.PresenceMembers(handle.Set)],
                [handle.Member.Id, handle.Token, _keys.PresenceEvents(handle.Set)],
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BackplaneUnavailableException or ObjectDisposedException)
        {
            // Not renewed any more: the member leaves when its lease expires.
            RedisLog.PresenceLeaveFailed(_logger, handle.Set, handle.Member.Id, e);
        }
    }

    /// <summary>
    /// Stops renewing. Unless <paramref name="silently"/> (a simulated crash), removes this node's members and ends
    /// the watchers (OnCompleted).
    /// </summary>
    public async Task StopAsync(bool silently)
    {
        Handle[] owned;
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }
            _stopped = true;
            owned = [.. _owned.Values];
        }
        await _timer.DisposeAsync().ConfigureAwait(false);
        if (!silently)
        {
            await Task.WhenAll(owned.Select(h => h.DisposeAsync().AsTask())).ConfigureAwait(false);
        }
        _watched.Stop(silently);
    }

    private sealed class Handle(RedisPresence owner, string set, PresenceMember member, string token, string json) : IAsyncDisposable
    {
        private int _disposed;

        public string Set => set;
        public PresenceMember Member => member;
        public string Token => token;
        public string Json => json;

        public ValueTask DisposeAsync() => Interlocked.Exchange(ref _disposed, 1) == 0 ? owner.LeaveAsync(this) : ValueTask.CompletedTask;
    }
}
