namespace RxStreams.Backplanes;

/// <summary>
/// What carries channels between publishers and subscribers, within a node and across nodes. It moves bytes only:
/// values are serialized once by the hub, whatever the number of subscribers, and deserialized once per node.
/// RxStreams ships an in-memory backplane (the default, one process) and a Redis one (any number of processes).
/// </summary>
/// <remarks>
/// Contract for every observable a backplane returns: notifications for one subscription are serialized and in
/// order, never delivered while the backplane holds a lock, and an observer that throws is detached (and the error
/// logged) without harming other observers. Subscriptions survive transient faults (a Redis restart) by themselves.
/// </remarks>
public abstract class StreamBackplane : IAsyncDisposable
{
    /// <summary>A short name for logs and metrics ("memory", "redis").</summary>
    public abstract string Name { get; }

    // ---- Durable channels -------------------------------------------------------------------------------------

    /// <summary>Appends an item to a durable channel, trimming its history to about <paramref name="maxLength"/> items.</summary>
    /// <returns>The item's offset, greater than every earlier one of the channel.</returns>
    /// <exception cref="BackplaneUnavailableException">The backplane cannot be reached.</exception>
    public abstract ValueTask<StreamOffset> AppendAsync(string channel, ReadOnlyMemory<byte> payload, int? maxLength, CancellationToken cancellationToken);

    /// <summary>Reads up to <paramref name="count"/> entries after <paramref name="after"/>, with the channel's bounds observed at the same time.</summary>
    /// <exception cref="BackplaneUnavailableException">The backplane cannot be reached.</exception>
    public abstract ValueTask<BackplaneReadResult> ReadAsync(string channel, StreamOffset after, int count, CancellationToken cancellationToken);

    /// <summary>The channel's bounds.</summary>
    /// <exception cref="BackplaneUnavailableException">The backplane cannot be reached.</exception>
    public abstract ValueTask<StreamChannelInfo> GetInfoAsync(string channel, CancellationToken cancellationToken);

    /// <summary>
    /// Every entry appended after <paramref name="after"/>, in order, with no gap and no duplicate, for as long as the
    /// subscription lasts (across reconnections to the backplane). A node needs one such subscription per channel,
    /// whatever its number of local subscribers: the hub shares it.
    /// </summary>
    public abstract IObservable<BackplaneEntry> SubscribeLive(string channel, StreamOffset after);

    // ---- Ephemeral channels -----------------------------------------------------------------------------------

    /// <summary>Publishes to the subscribers of an ephemeral channel on every node; at most once.</summary>
    /// <exception cref="BackplaneUnavailableException">The backplane cannot be reached.</exception>
    public abstract ValueTask PublishAsync(string channel, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);

    /// <summary>The items published to an ephemeral channel while subscribed (offsets are default).</summary>
    public abstract IObservable<BackplaneEntry> Subscribe(string channel);

    // ---- Presence ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Adds (or updates) a member and keeps its lease alive until the result is disposed, which removes it. If this
    /// node dies, the member leaves when its lease expires.
    /// </summary>
    /// <exception cref="BackplaneUnavailableException">The backplane cannot be reached.</exception>
    public abstract ValueTask<IAsyncDisposable> JoinPresenceAsync(string set, PresenceMember member, CancellationToken cancellationToken);

    /// <summary>
    /// Like <see cref="JoinPresenceAsync"/>, but only if no other live entry holds the member's id: the way to own a
    /// name across nodes (client-hosted stream servers use it). Returns null when the id is taken.
    /// </summary>
    /// <exception cref="BackplaneUnavailableException">The backplane cannot be reached.</exception>
    public abstract ValueTask<IAsyncDisposable?> TryJoinPresenceExclusiveAsync(string set, PresenceMember member, CancellationToken cancellationToken);

    /// <summary>The members of a presence set now.</summary>
    /// <exception cref="BackplaneUnavailableException">The backplane cannot be reached.</exception>
    public abstract ValueTask<IReadOnlyList<PresenceMember>> GetPresenceAsync(string set, CancellationToken cancellationToken);

    /// <summary>
    /// The member of a presence set with this id now, or null. The default reads the whole set; a backplane that can
    /// look one member up (the Redis one does) overrides it, so finding an owner costs the same whatever the set's size.
    /// </summary>
    /// <exception cref="BackplaneUnavailableException">The backplane cannot be reached.</exception>
    public virtual async ValueTask<PresenceMember?> GetPresenceMemberAsync(string set, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        foreach (var member in await GetPresenceAsync(set, cancellationToken).ConfigureAwait(false))
        {
            if (member.Id == id)
            {
                return member;
            }
        }
        return null;
    }

    /// <summary>Joins, updates and leaves of a presence set (no snapshot: the hub adds it).</summary>
    public abstract IObservable<PresenceEvent> SubscribePresence(string set);

    // ---- Work queues ------------------------------------------------------------------------------------------

    /// <summary>Adds an item to a work queue.</summary>
    /// <exception cref="BackplaneUnavailableException">The backplane cannot be reached.</exception>
    public abstract ValueTask<StreamOffset> EnqueueAsync(string queue, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);

    /// <summary>
    /// Delivers items of <paramref name="queue"/> to <paramref name="consumer"/> of <paramref name="group"/> while
    /// subscribed, at most <see cref="WorkQueueOptions.Prefetch"/> unacknowledged at a time, including items other
    /// consumers left pending longer than <see cref="WorkQueueOptions.AckTimeout"/>. Disposing releases this consumer's
    /// pending items to the group.
    /// </summary>
    public abstract IObservable<BackplaneWorkItem> Consume(string queue, string group, string consumer, WorkQueueOptions options);

    /// <summary>Acknowledges an item; false when it was no longer pending for <paramref name="consumer"/>.</summary>
    /// <exception cref="BackplaneUnavailableException">The backplane cannot be reached.</exception>
    public abstract ValueTask<bool> AckAsync(string queue, string group, string consumer, StreamOffset id, CancellationToken cancellationToken);

    // ---- Models -----------------------------------------------------------------------------------------------

    /// <summary>
    /// The stored state of the model whose changes go to the durable channel <paramref name="channel"/>
    /// (version 0 and no state when it was never written).
    /// </summary>
    /// <exception cref="BackplaneUnavailableException">The backplane cannot be reached.</exception>
    /// <exception cref="NotSupportedException">The backplane does not hold models (the default).</exception>
    public virtual ValueTask<BackplaneModelState> ReadModelAsync(string channel, CancellationToken cancellationToken)
        => throw new NotSupportedException($"The '{Name}' backplane does not hold models: override ReadModelAsync and WriteModelAsync.");

    /// <summary>
    /// Compare-and-set of a model's state, atomically with the append of its change: when the stored version is
    /// <paramref name="expectedVersion"/>, stores <paramref name="state"/> as version <paramref name="expectedVersion"/> + 1
    /// and appends <paramref name="change"/> to the durable channel <paramref name="channel"/> (trimmed to about
    /// <paramref name="maxLength"/> items, like <see cref="AppendAsync"/>); otherwise changes nothing and returns the
    /// state held now. Writing version 1 discards what the channel held before (a new life of the model). Nodes
    /// reading the channel live get the change as any other item.
    /// </summary>
    /// <exception cref="BackplaneUnavailableException">The backplane cannot be reached.</exception>
    /// <exception cref="NotSupportedException">The backplane does not hold models (the default).</exception>
    public virtual ValueTask<BackplaneModelWrite> WriteModelAsync(string channel, long expectedVersion, ReadOnlyMemory<byte> state, ReadOnlyMemory<byte> change, int maxLength, CancellationToken cancellationToken)
        => throw new NotSupportedException($"The '{Name}' backplane does not hold models: override ReadModelAsync and WriteModelAsync.");

    // ---- Health ---------------------------------------------------------------------------------------------

    /// <summary>
    /// One cheap round trip to where the backplane keeps its data (Redis: a <c>PING</c>), for health checks. The default,
    /// for a backplane that lives in this process (the in-memory one), answers at once.
    /// </summary>
    /// <returns>How long the round trip took.</returns>
    /// <exception cref="BackplaneUnavailableException">The backplane cannot be reached.</exception>
    public virtual ValueTask<TimeSpan> PingAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(TimeSpan.Zero);
    }

    /// <inheritdoc />
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
