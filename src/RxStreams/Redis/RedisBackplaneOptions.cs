using StackExchange.Redis;

namespace RxStreams.Redis;

/// <summary>Options of the <see cref="RedisBackplane"/>.</summary>
public sealed class RedisBackplaneOptions
{
    /// <summary>
    /// A StackExchange.Redis configuration string, e.g. <c>"localhost:6379"</c>, <c>"redis1:6379,password=…,ssl=true"</c>,
    /// or for a Redis Cluster some of its nodes, <c>"node1:7000,node2:7001,node3:7002"</c> (the client finds the others).
    /// <c>abortConnect</c> is always turned off (a node starts while Redis is down, and connects when it comes up), and
    /// the client's <c>asyncTimeout</c> is set to <see cref="OperationTimeout"/>. Ignored when
    /// <see cref="ConnectionFactory"/> is set.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>
    /// Creates the backplane's connection instead of <see cref="Configuration"/> (to share settings, add TLS callbacks,
    /// use a test double…). Called once, on first use, and again only if it failed; the argument receives
    /// StackExchange.Redis's connection log. The backplane owns the multiplexer it returns (it closes and disposes it
    /// with itself). Create it with <c>abortConnect=false</c> so a node can start while Redis is down.
    /// </summary>
    public Func<TextWriter, Task<IConnectionMultiplexer>>? ConnectionFactory { get; set; }

    /// <summary>The prefix of every key and pub/sub channel, so several applications can share a Redis. Default "rx".</summary>
    public string KeyPrefix { get; set; } = "rx";

    /// <summary>How many items a durable channel keeps when its options say nothing. Default 10,000.</summary>
    /// <remarks>Trimming runs in batches: a channel holds between this and about 1/16 more (at most 256 more).</remarks>
    public int DefaultMaxChannelLength { get; set; } = 10_000;

    /// <summary>
    /// How long a presence member outlives its node: the node renews its members' leases every third of it, and a
    /// dead node's members leave (with a Left event) about this long after it died. Default 30 seconds.
    /// </summary>
    public TimeSpan PresenceLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest a Redis call may take. Past it the call fails with <see cref="BackplaneUnavailableException"/>. It
    /// bounds calls on a multiplexer from <see cref="ConnectionFactory"/> too. Default 5 seconds.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often each work-queue consumer looks for items other consumers left pending longer than their
    /// acknowledgement timeout (a dead node's items), and trims what every group is done with. Items released by a
    /// consumer that was disposed are claimed at once, not after this. Default 1 second.
    /// </summary>
    public TimeSpan ClaimInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often live readers re-read their channels even without a wake-up: the bound on extra latency if a wake-up is
    /// lost. Appends wake readers at once; a reconnection makes them re-read at once (and often for a few seconds).
    /// Default 5 seconds.
    /// </summary>
    public TimeSpan LivePollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many items a work queue holds at most (acknowledged items are trimmed); enqueueing beyond fails with code queue_full. Default 1,000,000.</summary>
    public int MaxQueueLength { get; set; } = 1_000_000;

    /// <summary>
    /// What publishes, appends, enqueues, joins and acknowledgements do while Redis cannot be reached. Default
    /// <see cref="RedisDisconnectedBehavior.FailFast"/>: they fail at once with <see cref="BackplaneUnavailableException"/>.
    /// Subscriptions are not affected: they wait and resume by themselves.
    /// </summary>
    public RedisDisconnectedBehavior WhileDisconnected { get; set; } = RedisDisconnectedBehavior.FailFast;

    /// <summary>
    /// How many replicas must confirm each append to a durable channel before the append is acknowledged: after the
    /// append, the backplane sends <c>WAIT</c> to the master that took it. 0 (the default) waits for none: Redis
    /// replicates asynchronously, so an item acknowledged just before its master fails may be missing on the replica
    /// promoted in its place. With 1 or more, an item acknowledged is on that many replicas too; an append that is not
    /// confirmed within <see cref="ReplicaWaitTimeout"/> fails with <see cref="BackplaneUnavailableException"/>
    /// (it was applied on the master and may or may not survive a failover). Ephemeral items, presence and queues are
    /// not affected.
    /// </summary>
    public int WaitForReplicas { get; set; }

    /// <summary>
    /// How long an append waits for <see cref="WaitForReplicas"/> replicas to confirm it: at least 1 ms (Redis counts
    /// whole milliseconds), and shorter than <see cref="OperationTimeout"/>, which bounds the wait too. Default 1 second.
    /// </summary>
    public TimeSpan ReplicaWaitTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Sharded pub/sub (<c>SSUBSCRIBE</c>/<c>SPUBLISH</c>, Redis 7) for ephemeral channels and every wake-up: a publish
    /// reaches only the shard that owns the channel's slot instead of every node of the cluster. Null (the default)
    /// decides by the server: sharded on a Redis Cluster, plain on a single Redis. Every node of an application must
    /// use the same mode (a sharded subscription hears only sharded publishes), which the default ensures.
    /// </summary>
    public bool? ShardedPubSub { get; set; }

    internal void Validate()
    {
        if (Configuration is null && ConnectionFactory is null)
        {
            throw new ArgumentException("Set RedisBackplaneOptions.Configuration (a connection string such as \"localhost:6379\") or RedisBackplaneOptions.ConnectionFactory.");
        }
        ArgumentException.ThrowIfNullOrEmpty(KeyPrefix, nameof(KeyPrefix));
        ArgumentOutOfRangeException.ThrowIfLessThan(DefaultMaxChannelLength, 1, nameof(DefaultMaxChannelLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQueueLength, 1, nameof(MaxQueueLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(PresenceLease, TimeSpan.FromMilliseconds(300), nameof(PresenceLease));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(OperationTimeout, TimeSpan.Zero, nameof(OperationTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ClaimInterval, TimeSpan.Zero, nameof(ClaimInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LivePollInterval, TimeSpan.Zero, nameof(LivePollInterval));
        ArgumentOutOfRangeException.ThrowIfNegative(WaitForReplicas, nameof(WaitForReplicas));
        // WAIT takes whole milliseconds and 0 means "forever": a shorter timeout would hold the connection for good.
        ArgumentOutOfRangeException.ThrowIfLessThan(ReplicaWaitTimeout, TimeSpan.FromMilliseconds(1), nameof(ReplicaWaitTimeout));
        if (WaitForReplicas > 0 && ReplicaWaitTimeout >= OperationTimeout)
        {
            // Else the call times out before Redis answers, and the append fails as "Redis did not answer".
            throw new ArgumentOutOfRangeException(nameof(ReplicaWaitTimeout), ReplicaWaitTimeout,
                $"RedisBackplaneOptions.ReplicaWaitTimeout ({ReplicaWaitTimeout.TotalMilliseconds:0} ms) must be shorter than OperationTimeout ({OperationTimeout.TotalMilliseconds:0} ms), which bounds the WAIT call too.");
        }
    }
}
