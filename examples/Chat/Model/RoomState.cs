namespace Chat.Model;

/// <summary>
/// A room's shared state, a realtime model (<c>hub.Model&lt;RoomState&gt;</c>): its topic and its pinned message. Every
/// member sees it change at once, on any node; a change travels as a small JSON merge patch.
/// </summary>
public sealed record RoomState(string? Topic, PinnedMessage? Pinned)
{
    /// <summary>A room nobody has set anything for.</summary>
    public static readonly RoomState Empty = new(null, null);
}

/// <summary>The message pinned to a room: who wrote it and what, and who pinned it when.</summary>
public sealed record PinnedMessage(string MessageId, string From, string Text, string PinnedBy, DateTimeOffset PinnedAt);
