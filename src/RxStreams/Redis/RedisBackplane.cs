using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RxStreams.Backplanes;

namespace RxStreams.Redis;

/// <summary>
/// The Redis backplane: any number of server processes share channels, presence and work queues through one Redis,
/// with no sticky sessions. Durable channels are Redis Streams (offsets are entry ids), ephemeral channels are pub/sub,
/// presence sets are leases in sorted sets, work queues are consumer groups. Each node has one Redis connection and one
/// live reader for all its channels; subscriptions survive Redis restarts and network cuts by themselves. See
/// docs/redis.md for the data model and the fault behaviour.
/// </summary>
public sealed class RedisBackplane : StreamBackplane
{
    private readonly RedisBackplaneOptions _options;
    private readonly ILogger _logger;
    private readonly RedisConnection _connection;
    private readonly RedisSubscriptions _subscriptions;
    private readonly RedisChannelStore _store;
    private readonly RedisModelStore _models;
    private readonly RedisLiveReader _live;
    private readonly RedisEphemeralChannels _ephemeral;
    private readonly RedisPresence _presence;
    private readonly RedisWorkQueues _queues;
    private int _disposed;

    /// <summary>Creates the backplane and starts connecting in the background (Redis may be down: it connects when it is up).</summary>
    /// <param name="options">Where Redis is and how to use it.</param>
    /// <param name="logger">Where to log; null for none.</param>
    public RedisBackplane(RedisBackplaneOptions options, ILogger<RedisBackplane>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = logger ?? NullLogger<RedisBackplane>.Instance;
        NodeId = Guid.NewGuid().ToString("N")[..12];
        var keys = new RedisKeys(options.KeyPrefix);
        _connection = new RedisConnection(options, _logger, $"{options.KeyPrefix}-{NodeId}");
        _subscriptions = new RedisSubscriptions(_connection, _logger);
        _store = new RedisChannelStore(_connection, keys, options);
        _models = new RedisModelStore(_connection, keys, options);
        _live = new RedisLiveReader(_store, _subscriptions, keys, options, _logger);
        _ephemeral = new RedisEphemeralChannels(_connection, _subscriptions, keys, _logger);
        _presence = new RedisPresence(_connection, _subscriptions, keys, options, _logger, NodeId);
        _queues = new RedisWorkQueues(_connection, _subscriptions, keys, options, _logger);
        Sessions = new RedisSessionStore(_connection, keys);
        _connection.Restored += OnRestored;
        _connection.Start();
    }

    /// <summary>Creates the backplane from a StackExchange.Redis configuration string, e.g. "localhost:6379".</summary>
    public RedisBackplane(string configuration, ILogger<RedisBackplane>? logger = null)
        : this(new RedisBackplaneOptions { Configuration = configuration }, logger)
    {
    }

    /// <inheritdoc />
    public override string Name => "redis";

    /// <summary>This node's id: part of its Redis client name (<c>{prefix}-{id}</c>) and of its presence owner tokens.</summary>
    internal string NodeId { get; }

    /// <summary>Client sessions in this Redis, on the backplane's connection (hosts use it when scaled out).</summary>
    public RxStreams.Sessions.IStreamSessionStore Sessions { get; }

    /// <summary>True while the connection to Redis is up.</summary>
    internal bool IsConnected => _connection.IsConnected;

    /// <summary>The live reader (tests count its reads).</summary>
    internal RedisLiveReader LiveReader => _live;

    private void OnRestored()
    {
        _subscriptions.NotifyResubscribed();
        _live.OnReconnected();
        _presence.OnReconnected();
        _queues.OnReconnected();
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    // ---- Durable channels ----

    /// <inheritdoc />
    public override ValueTask<StreamOffset> AppendAsync(string channel, ReadOnlyMemory<byte> payload, int? maxLength, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ThrowIfDisposed();
        return _store.AppendAsync(channel, payload, Math.Max(1, maxLength ?? _options.DefaultMaxChannelLength), cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask<BackplaneReadResult> ReadAsync(string channel, StreamOffset after, int count, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ThrowIfDisposed();
        return _store.ReadAsync(channel, after, count, cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask<StreamChannelInfo> GetInfoAsync(string channel, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ThrowIfDisposed();
        return _store.GetInfoAsync(channel, cancellationToken);
    }

    /// <inheritdoc />
    public override IObservable<BackplaneEntry> SubscribeLive(string channel, StreamOffset after)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        return _live.Subscribe(channel, after);
    }

    // ---- Ephemeral channels ----

    /// <inheritdoc />
    public override ValueTask PublishAsync(string channel, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ThrowIfDisposed();
        return _ephemeral.PublishAsync(channel, payload, cancellationToken);
    }

    /// <inheritdoc />
    public override IObservable<BackplaneEntry> Subscribe(string channel)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        return _ephemeral.Subscribe(channel);
    }

    // ---- Presence ----

    /// <inheritdoc />
    public override ValueTask<IAsyncDisposable> JoinPresenceAsync(string set, PresenceMember member, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(set);
        ArgumentNullException.ThrowIfNull(member);
        ThrowIfDisposed();
        return _presence.JoinAsync(set, member, cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask<IAsyncDisposable?> TryJoinPresenceExclusiveAsync(string set, PresenceMember member, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(set);
        ArgumentNullException.ThrowIfNull(member);
        ThrowIfDisposed();
        return _presence.JoinAsync(set, member, exclusive: true, cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<PresenceMember>> GetPresenceAsync(string set, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(set);
        ThrowIfDisposed();
        return _presence.GetAsync(set, cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask<PresenceMember?> GetPresenceMemberAsync(string set, string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(set);
        ArgumentNullException.ThrowIfNull(id);
        ThrowIfDisposed();
        return _presence.GetMemberAsync(set, id, cancellationToken);
    }

    /// <inheritdoc />
    public override IObservable<PresenceEvent> SubscribePresence(string set)
    {
        ArgumentException.ThrowIfNullOrEmpty(set);
        return _presence.Subscribe(set);
    }

    // ---- Work queues ----

    /// <inheritdoc />
    public override ValueTask<StreamOffset> EnqueueAsync(string queue, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ThrowIfDisposed();
        return _queues.EnqueueAsync(queue, payload, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Consumer names should be unique within a group (a node's id in them does it): a consumer that starts takes back
    /// whatever an earlier consumer of its name left pending. Disposing the subscription releases this consumer's
    /// pending items at once: the other consumers claim them right away (not after the acknowledgement timeout),
    /// keeping their delivery count; acknowledging a released item then returns false.
    /// </remarks>
    public override IObservable<BackplaneWorkItem> Consume(string queue, string group, string consumer, WorkQueueOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return _queues.Consume(queue, group, consumer, options);
    }

    /// <inheritdoc />
    public override ValueTask<bool> AckAsync(string queue, string group, string consumer, StreamOffset id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ThrowIfDisposed();
        return _queues.AckAsync(queue, group, consumer, id, cancellationToken);
    }

    // ---- Health ----

    /// <inheritdoc />
    public override ValueTask<BackplaneModelState> ReadModelAsync(string channel, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ThrowIfDisposed();
        return _models.ReadAsync(channel, cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask<BackplaneModelWrite> WriteModelAsync(string channel, long expectedVersion, ReadOnlyMemory<byte> state, ReadOnlyMemory<byte> change, int maxLength, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        ThrowIfDisposed();
        return _models.WriteAsync(channel, expectedVersion, state, change, Math.Max(1, maxLength), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>A <c>PING</c> on the backplane's connection, bounded by <see cref="RedisBackplaneOptions.OperationTimeout"/>.</remarks>
    public override async ValueTask<TimeSpan> PingAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        return await _connection.RunAsync("PING", static (db, _) => db.PingAsync(), 0, cancellationToken).ConfigureAwait(false);
    }

    // ---- Lifetime ----

    /// <summary>
    /// Removes this node's presence members, releases its consumers' pending items to their groups, ends every
    /// subscription (OnCompleted) and closes the connection. Steps that need Redis are bounded by the operation timeout.
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _connection.Restored -= OnRestored;
        await StepAsync("leaving presence sets", _presence.StopAsync(silently: false)).ConfigureAwait(false);
        await StepAsync("releasing work-queue items", _queues.StopAsync(release: true)).ConfigureAwait(false);
        _live.Close(silently: false);
        _ephemeral.Stop(silently: false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private async Task StepAsync(string step, Task task)
    {
        try
        {
            await task.WaitAsync(_options.OperationTimeout * 2).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or BackplaneUnavailableException or ObjectDisposedException)
        {
            RedisLog.DisposeStepFailed(_logger, step, e);
        }
    }

    /// <summary>
    /// For tests: dies as a crashed process would. Renewals stop, consumers stop without releasing anything, the
    /// connection is dropped; nothing is removed from Redis and no local observer hears of it.
    /// </summary>
    internal async Task SimulateCrashAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _connection.Restored -= OnRestored;
        await _presence.StopAsync(silently: true).ConfigureAwait(false);
        _live.Close(silently: true);
        _ephemeral.Stop(silently: true);
        _connection.Abort();
        await _queues.StopAsync(release: false).ConfigureAwait(false);
    }
}
