namespace Chat.Model;

/// <summary>The request of <c>inbox/remove</c>: take the direct conversation with <paramref name="PeerId"/> off the list.</summary>
public sealed record RemoveConversation(string PeerId);
