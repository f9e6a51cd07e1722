using System.Security.Cryptography;

namespace Chat.Model;

/// <summary>A message in a room or a direct conversation, as the server stamped it.</summary>
/// <param name="Id">A unique id (clients use it to render each message once).</param>
/// <param name="UserId">The sender's stable user id.</param>
/// <param name="From">The sender's display name when it was sent.</param>
/// <param name="Text">The text, after the policy (trimmed, emoji shortcodes expanded, blocked words masked).</param>
/// <param name="SentAt">The server's clock when it was accepted.</param>
public sealed record ChatMessage(string Id, string UserId, string From, string Text, DateTimeOffset SentAt)
{
    /// <summary>A new message from <paramref name="user"/>.</summary>
    public static ChatMessage Create(ChatUser user, string text, DateTimeOffset now)
        => new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), user.Id, user.Name, text, now);
}
