namespace Chat.Model;

/// <summary>Someone is typing in a room (ephemeral: nobody needs it a few seconds later).</summary>
public sealed record Typing(string UserId, string Name);
