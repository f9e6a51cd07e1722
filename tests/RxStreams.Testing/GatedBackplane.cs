using RxStreams.Backplanes;

namespace RxStreams.Testing;

/// <summary>
/// A backplane (the in-memory one, say) whose appends or presence lookups wait until their gate opens: a backplane that
/// has stopped answering some calls (a Redis that hangs) while the rest of it goes on.
/// </summary>
public sealed class GatedBackplane(StreamBackplane inner) : DelegatingStreamBackplane(inner)
{
    /// <summary>Durable appends (<see cref="AppendAsync"/>).</summary>
    public Gate Appends { get; } = new();

    /// <summary>Looking up one presence member (<see cref="GetPresenceMemberAsync"/>, how a client-hosted server's owner is found).</summary>
    public Gate Lookups { get; } = new();

    public override async ValueTask<StreamOffset> AppendAsync(string channel, ReadOnlyMemory<byte> payload, int? maxLength, CancellationToken cancellationToken)
    {
        await Appends.PassAsync(cancellationToken).ConfigureAwait(false);
        return await Inner.AppendAsync(channel, payload, maxLength, cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask<PresenceMember?> GetPresenceMemberAsync(string set, string id, CancellationToken cancellationToken)
    {
        await Lookups.PassAsync(cancellationToken).ConfigureAwait(false);
        return await Inner.GetPresenceMemberAsync(set, id, cancellationToken).ConfigureAwait(false);
    }

    public override ValueTask DisposeAsync() => Inner.DisposeAsync();

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
