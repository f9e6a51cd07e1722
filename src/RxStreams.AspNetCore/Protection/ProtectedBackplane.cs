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
internal sealed class ProtectedBackplane(StreamBackplane inner, StoredDataProtector protector) : StreamBackplane
{
    /// <summary>The backplane underneath (owned by the container, which disposes it).</summary>
    public StreamBackplane Inner => inner;

    public override string Name => inner.Name;

    // ---- Durable channels: encrypted ----

    public override ValueTask<StreamOffset> AppendAsync(string channel, ReadOnlyMemory<byte> payload, int? maxLength, CancellationToken cancellationToken)
        => inner.AppendAsync(channel, protector.ProtectChannelItem(channel, payload), maxLength, cancellationToken);

    public override async ValueTask<BackplaneReadResult> ReadAsync(string channel, StreamOffset after, int count, CancellationToken cancellationToken)
    {
        var page = await inner.ReadAsync(channel, after, count, cancellationToken).ConfigureAwait(false);
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

    public override ValueTask<StreamChannelInfo> GetInfoAsync(string channel, CancellationToken cancellationToken)
        => inner.GetInfoAsync(channel, cancellationToken);

    public override IObservable<BackplaneEntry> SubscribeLive(string channel, StreamOffset after)
        => new Unprotecting<BackplaneEntry>(inner.SubscribeLive(channel, after), channel, protector.UnprotectChannelItem);

    // ---- Ephemeral channels and presence: not stored, in clear ----

    public override ValueTask PublishAsync(string channel, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        => inner.PublishAsync(channel, payload, cancellationToken);

    public override IObservable<BackplaneEntry> Subscribe(string channel) => inner.Subscribe(channel);

    public override ValueTask<IAsyncDisposable> JoinPresenceAsync(string set, PresenceMember member, CancellationToken cancellationToken)
        => inner.JoinPresenceAsync(set, member, cancellationToken);

    public override ValueTask<IAsyncDisposable?> TryJoinPresenceExclusiveAsync(string set, PresenceMember member, CancellationToken cancellationToken)
        => inner.TryJoinPresenceExclusiveAsync(set, member, cancellationToken);

    public override ValueTask<IReadOnlyList<PresenceMember>> GetPresenceAsync(string set, CancellationToken cancellationToken)
        => inner.GetPresenceAsync(set, cancellationToken);

    public override ValueTask<PresenceMember?> GetPresenceMemberAsync(string set, string id, CancellationToken cancellationToken)
        => inner.GetPresenceMemberAsync(set, id, cancellationToken);

    public override IObservable<PresenceEvent> SubscribePresence(string set) => inner.SubscribePresence(set);

    // ---- Work queues: encrypted ----

    public override ValueTask<StreamOffset> EnqueueAsync(string queue, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        => inner.EnqueueAsync(queue, protector.ProtectQueueItem(queue, payload), cancellationToken);

    public override IObservable<BackplaneWorkItem> Consume(string queue, string group, string consumer, WorkQueueOptions options)
        => new Unprotecting<BackplaneWorkItem>(inner.Consume(queue, group, consumer, options), queue, protector.UnprotectQueueItem);

    public override ValueTask<bool> AckAsync(string queue, string group, string consumer, StreamOffset id, CancellationToken cancellationToken)
        => inner.AckAsync(queue, group, consumer, id, cancellationToken);

    /// <summary>Nothing to release: the container owns and disposes <see cref="Inner"/>.</summary>
    public override ValueTask DisposeAsync() => base.DisposeAsync();
}
