using RxStreams.Backplanes;

namespace RxStreams.Testing;

/// <summary>
/// A backplane (the in-memory one, say) whose appends or presence lookups wait until their gate opens: a backplane that
/// has stopped answering some calls (a Redis that hangs) while the rest of it goes on.
/// </summary>
public sealed class GatedBackplane(StreamBackplane inner) : StreamBackplane
{
    /// <summary>Durable appends (<see cref="AppendAsync"/>).</summary>
    public Gate Appends { get; } = new();

    /// <summary>Looking up one presence member (<see cref="GetPresenceMemberAsync"/>, how a client-hosted server's owner is found).</summary>
    public Gate Lookups { get; } = new();

    public override string Name => inner.Name;

    public override async ValueTask<StreamOffset> AppendAsync(string channel, ReadOnlyMemory<byte> payload, int? maxLength, CancellationToken cancellationToken)
    {
        await Appends.PassAsync(cancellationToken).ConfigureAwait(false);
        return await inner.AppendAsync(channel, payload, maxLength, cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask<PresenceMember?> GetPresenceMemberAsync(string set, string id, CancellationToken cancellationToken)
    {
        await Lookups.PassAsync(cancellationToken).ConfigureAwait(false);
        return await inner.GetPresenceMemberAsync(set, id, cancellationToken).ConfigureAwait(false);
    }

    public override ValueTask<BackplaneReadResult> ReadAsync(string channel, StreamOffset after, int count, CancellationToken cancellationToken)
        => inner.ReadAsync(channel, after, count, cancellationToken);

    public override ValueTask<StreamChannelInfo> GetInfoAsync(string channel, CancellationToken cancellationToken) => inner.GetInfoAsync(channel, cancellationToken);

    public override IObservable<BackplaneEntry> SubscribeLive(string channel, StreamOffset after) => inner.SubscribeLive(channel, after);

    public override ValueTask PublishAsync(string channel, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        => inner.PublishAsync(channel, payload, cancellationToken);

    public override IObservable<BackplaneEntry> Subscribe(string channel) => inner.Subscribe(channel);

    public override ValueTask<IAsyncDisposable> JoinPresenceAsync(string set, PresenceMember member, CancellationToken cancellationToken)
        => inner.JoinPresenceAsync(set, member, cancellationToken);

    public override ValueTask<IAsyncDisposable?> TryJoinPresenceExclusiveAsync(string set, PresenceMember member, CancellationToken cancellationToken)
        => inner.TryJoinPresenceExclusiveAsync(set, member, cancellationToken);

    public override ValueTask<IReadOnlyList<PresenceMember>> GetPresenceAsync(string set, CancellationToken cancellationToken) => inner.GetPresenceAsync(set, cancellationToken);

    public override IObservable<PresenceEvent> SubscribePresence(string set) => inner.SubscribePresence(set);

    public override ValueTask<StreamOffset> EnqueueAsync(string queue, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        => inner.EnqueueAsync(queue, payload, cancellationToken);

    public override IObservable<BackplaneWorkItem> Consume(string queue, string group, string consumer, WorkQueueOptions options)
        => inner.Consume(queue, group, consumer, options);

    public override ValueTask<bool> AckAsync(string queue, string group, string consumer, StreamOffset id, CancellationToken cancellationToken)
        => inner.AckAsync(queue, group, consumer, id, cancellationToken);

    public override ValueTask DisposeAsync() => inner.DisposeAsync();

    /// <summary>Calls wait here while it is closed (it starts closed).</summary>
    public sealed class Gate
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _waiting;

        /// <summary>Calls waiting now.</summary>
        public int Waiting => Volatile.Read(ref _waiting);

        /// <summary>Lets every waiting call and all later ones through.</summary>
        public void Open() => _open.TrySetResult();

        internal async ValueTask PassAsync(CancellationToken cancellationToken)
        {
            if (_open.Task.IsCompleted)
            {
                return;
            }
            Interlocked.Increment(ref _waiting);
            try
            {
                await _open.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }
    }
}
