using RxStreams.Backplanes;

namespace RxStreams.AspNetCore.Protection;

/// <summary>
/// A backplane that stores durable channel items and work-queue items encrypted (ASP.NET Core Data Protection) in the
/// backplane it wraps, and decrypts them as they come back. Ephemeral channels and presence pass through in clear:
/// they are not stored. Installed by <c>ProtectStoredData()</c>, around whichever backplane is configured.
/// </summary>
/// <remarks>
/// Costs are per item, not per subscriber: a publish is encrypted once; a node decrypts each live item once for all its
/// subscribers (the hub shares one live subscription per channel); history is decrypted per page read. An item that
/// does not decrypt ends, with <see cref="StreamErrorCodes.Undecryptable"/>, the one read that met it (a history read,
/// the channel's live feed on this node, a consumer), and nothing else; it is never skipped silently.
/// </remarks>
internal sealed class ProtectedBackplane(StreamBackplane inner, StoredDataProtector protector) : DelegatingStreamBackplane(inner)
{
    // The backplane underneath is owned by the container, which disposes it (DelegatingStreamBackplane leaves it).

    // ---- Durable channels: encrypted ----

    public override ValueTask<StreamOffset> AppendAsync(string channel, ReadOnlyMemory<byte> payload, int? maxLength, CancellationToken cancellationToken)
        => Inner.AppendAsync(channel, protector.ProtectChannelItem(channel, payload), maxLength, cancellationToken);

    public override async ValueTask<BackplaneReadResult> ReadAsync(string channel, StreamOffset after, int count, CancellationToken cancellationToken)
    {
        var page = await Inner.ReadAsync(channel, after, count, cancellationToken).ConfigureAwait(false);
        if (page.Entries.Count == 0)
        {
            return page;
        }
        var entries = new BackplaneEntry[page.Entries.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = protector.UnprotectChannelItem(channel, page.Entries[i]);
        }
        return page with { Entries = entries };
    }

    public override IObservable<BackplaneEntry> SubscribeLive(string channel, StreamOffset after)
        => new Unprotecting<BackplaneEntry>(Inner.SubscribeLive(channel, after), channel, protector.UnprotectChannelItem);

    // ---- Models: the state and each change encrypted (the change as an item of the model's channel) ----

    public override async ValueTask<BackplaneModelState> ReadModelAsync(string channel, CancellationToken cancellationToken)
        => Unprotected(channel, await Inner.ReadModelAsync(channel, cancellationToken).ConfigureAwait(false));

    public override async ValueTask<BackplaneModelWrite> WriteModelAsync(string channel, long expectedVersion, ReadOnlyMemory<byte> state, ReadOnlyMemory<byte> change, int maxLength, CancellationToken cancellationToken)
    {
        var result = await Inner.WriteModelAsync(channel, expectedVersion, protector.ProtectChannelItem(channel, state), protector.ProtectChannelItem(channel, change), maxLength, cancellationToken).ConfigureAwait(false);
        return result.Written
            ? result with { Current = result.Current with { State = state.ToArray() } }
            : result with { Current = Unprotected(channel, result.Current) };
    }

    private BackplaneModelState Unprotected(string channel, BackplaneModelState stored)
        => stored.Version == 0 ? stored : stored with { State = protector.UnprotectModelState(channel, stored.Offset, stored.State) };

    // Ephemeral channels and presence are not stored: they pass through in clear (DelegatingStreamBackplane).

    // ---- Work queues: encrypted ----

    public override ValueTask<StreamOffset> EnqueueAsync(string queue, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        => Inner.EnqueueAsync(queue, protector.ProtectQueueItem(queue, payload), cancellationToken);

    public override IObservable<BackplaneWorkItem> Consume(string queue, string group, string consumer, WorkQueueOptions options)
        => new Unprotecting<BackplaneWorkItem>(Inner.Consume(queue, group, consumer, options), queue, protector.UnprotectQueueItem);
}
