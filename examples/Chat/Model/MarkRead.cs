namespace Chat.Model;

/// <summary>What a client sends when it has shown a room's or a conversation's messages up to <paramref name="Offset"/>.</summary>
/// <param name="Room">The room, or null for a direct conversation.</param>
/// <param name="Peer">The other participant of a direct conversation, or null for a room.</param>
/// <param name="Offset">The offset of the last message shown.</param>
public sealed record MarkRead(string? Room, string? Peer, string Offset);
