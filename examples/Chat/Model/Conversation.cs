namespace Chat.Model;

/// <summary>An entry of a user's inbox: a direct conversation with <paramref name="PeerId"/> has messages, or was removed.</summary>
/// <param name="PeerId">The other participant's user id.</param>
/// <param name="PeerName">Their display name, when the server knows it (it does for the sender of a message).</param>
/// <param name="Removed">The user removed the conversation from their list (until someone writes in it again).</param>
public sealed record Conversation(string PeerId, string? PeerName, bool Removed = false);
