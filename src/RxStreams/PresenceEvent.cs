namespace RxStreams;

/// <summary>What happened to a presence set.</summary>
public enum PresenceEventKind
{
    /// <summary>The members at the time of subscribing; always the first event of <see cref="IStreamPresence.Watch"/>.</summary>
    Snapshot,

    /// <summary>A member joined.</summary>
    Joined,

    /// <summary>A member joined again with other data.</summary>
    Updated,

    /// <summary>A member left, or its lease expired because its node died.</summary>
    Left,
}

/// <summary>
/// A change of a presence set. Apply events as set operations keyed by <see cref="PresenceMember.Id"/>: a join of a
/// member already in the snapshot, or a leave of one already gone, can happen around the snapshot and is harmless.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="Member">The member that joined, changed or left; null for a snapshot.</param>
/// <param name="Members">For a snapshot, every member; otherwise null.</param>
[StreamMessage]
public sealed record PresenceEvent(PresenceEventKind Kind, PresenceMember? Member, IReadOnlyList<PresenceMember>? Members = null);
