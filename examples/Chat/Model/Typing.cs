namespace Chat.Model;

/// <summary>Someone is typing in a room, or stopped (ephemeral: nobody needs it a few seconds later).</summary>
/// <param name="UserId">Who.</param>
/// <param name="Name">Their display name.</param>
/// <param name="Active">True while typing; false once they sent their message or cleared the box.</param>
public sealed record Typing(string UserId, string Name, bool Active);
