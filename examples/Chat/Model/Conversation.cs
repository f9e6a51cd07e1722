namespace Chat.Model;

/// <summary>An entry of a user's inbox: a direct conversation with <paramref name="PeerId"/> has messages.</summary>
/// <param name="PeerId">The other participant's user id.</param>
/// <param name="PeerName">Their display name, when the server knows it (it does for the sender of a message).</param>
public sealed record Conversation(string PeerId, string? PeerName);
