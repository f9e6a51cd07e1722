namespace RxStreams;

/// <summary>
/// A presence set: who is in a channel, kept correct across nodes. Members hold leases that their node renews;
/// when a node dies its members leave once their leases expire, and every watcher sees them leave.
/// </summary>
public interface IStreamPresence
{
    /// <summary>The set's name.</summary>
    string Name { get; }

    /// <summary>
    /// Joins while subscribed: subscribing adds <paramref name="member"/> and emits what <see cref="Watch"/> emits;
    /// disposing the subscription leaves. This ties membership to a stream's lifetime with no extra code.
    /// </summary>
    IObservable<PresenceEvent> Join(PresenceMember member);

    /// <summary>Joins (or updates) now; disposing the result leaves.</summary>
    ValueTask<IAsyncDisposable> JoinAsync(PresenceMember member, CancellationToken cancellationToken = default);

    /// <summary>The members now.</summary>
    ValueTask<IReadOnlyList<PresenceMember>> GetMembersAsync(CancellationToken cancellationToken = default);

    /// <summary>A <see cref="PresenceEventKind.Snapshot"/> event with the members, then every join, update and leave.</summary>
    IObservable<PresenceEvent> Watch();
}
