using RxStreams.Backplanes;
using RxStreams.Backplanes.InMemory;

namespace RxStreams.Tests.Hub;

/// <summary>
/// The in-memory backplane whose appends wait until <see cref="Open"/>: a backplane that has stopped answering
/// (a Redis that hangs) without the rest of it changing.
/// </summary>
internal sealed class GatedBackplane(InMemoryBackplane inner) : StreamBackplane
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiting;

    /// <summary>Appends waiting for the gate now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public void Open() => _open.TrySetResult();

    public override string Name => inner.Name;

    public override async ValueTask<StreamOffset> AppendAsync(string channel, ReadOnlyMemory<byte> payload, int? maxLength, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await _open.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        return await inner.AppendAsync(channel, payload, maxLength, cancellationToken).ConfigureAwait(false);
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
}
