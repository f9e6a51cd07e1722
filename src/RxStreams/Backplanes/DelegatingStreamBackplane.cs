namespace RxStreams.Backplanes;

/// <summary>
/// A backplane that hands every call to another one: the base of decorators (encryption at rest, metrics, faults in
/// tests) that change a few operations and pass the rest through unchanged.
/// </summary>
/// <remarks>
/// Disposing a delegating backplane does not dispose <see cref="Inner"/>: whoever created the inner one (usually the
/// service container) owns it. Override <see cref="StreamBackplane.DisposeAsync"/> when the decorator owns it.
/// </remarks>
public abstract class DelegatingStreamBackplane : StreamBackplane
{
    /// <summary>Wraps <paramref name="inner"/>.</summary>
    protected DelegatingStreamBackplane(StreamBackplane inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
    }

    /// <summary>The backplane every call goes to unless a derived class overrides it.</summary>
    public StreamBackplane Inner { get; }

    /// <inheritdoc />
    public override string Name => Inner.Name;

    /// <inheritdoc />
    public override ValueTask<StreamOffset> AppendAsync(string channel, ReadOnlyMemory<byte> payload, int? maxLength, CancellationToken cancellationToken)
        => Inner.AppendAsync(channel, payload, maxLength, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<BackplaneReadResult> ReadAsync(string channel, StreamOffset after, int count, CancellationToken cancellationToken)
        => Inner.ReadAsync(channel, after, count, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<StreamChannelInfo> GetInfoAsync(string channel, CancellationToken cancellationToken)
        => Inner.GetInfoAsync(channel, cancellationToken);

    /// <inheritdoc />
    public override IObservable<BackplaneEntry> SubscribeLive(string channel, StreamOffset after) => Inner.SubscribeLive(channel, after);

    /// <inheritdoc />
    public override ValueTask PublishAsync(string channel, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        => Inner.PublishAsync(channel, payload, cancellationToken);

    /// <inheritdoc />
    public override IObservable<BackplaneEntry> Subscribe(string channel) => Inner.Subscribe(channel);

    /// <inheritdoc />
    public override ValueTask<IAsyncDisposable> JoinPresenceAsync(string set, PresenceMember member, CancellationToken cancellationToken)
        => Inner.JoinPresenceAsync(set, member, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<IAsyncDisposable?> TryJoinPresenceExclusiveAsync(string set, PresenceMember member, CancellationToken cancellationToken)
        => Inner.TryJoinPresenceExclusiveAsync(set, member, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<PresenceMember>> GetPresenceAsync(string set, CancellationToken cancellationToken)
        => Inner.GetPresenceAsync(set, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<PresenceMember?> GetPresenceMemberAsync(string set, string id, CancellationToken cancellationToken)
        => Inner.GetPresenceMemberAsync(set, id, cancellationToken);

    /// <inheritdoc />
    public override IObservable<PresenceEvent> SubscribePresence(string set) => Inner.SubscribePresence(set);

    /// <inheritdoc />
    public override ValueTask<StreamOffset> EnqueueAsync(string queue, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        => Inner.EnqueueAsync(queue, payload, cancellationToken);

    /// <inheritdoc />
    public override IObservable<BackplaneWorkItem> Consume(string queue, string group, string consumer, WorkQueueOptions options)
        => Inner.Consume(queue, group, consumer, options);

    /// <inheritdoc />
    public override ValueTask<bool> AckAsync(string queue, string group, string consumer, StreamOffset id, CancellationToken cancellationToken)
        => Inner.AckAsync(queue, group, consumer, id, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<BackplaneModelState> ReadModelAsync(string channel, CancellationToken cancellationToken)
        => Inner.ReadModelAsync(channel, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<BackplaneModelWrite> WriteModelAsync(string channel, long expectedVersion, ReadOnlyMemory<byte> state, ReadOnlyMemory<byte> change, int maxLength, CancellationToken cancellationToken)
        => Inner.WriteModelAsync(channel, expectedVersion, state, change, maxLength, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<TimeSpan> PingAsync(CancellationToken cancellationToken) => Inner.PingAsync(cancellationToken);
}
