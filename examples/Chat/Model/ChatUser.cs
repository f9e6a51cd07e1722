using System.Security.Claims;
using RxStreams;

namespace Chat.Model;

/// <summary>Who is talking: the stable user id and the display name, from the login cookie's claims.</summary>
public sealed record ChatUser(string Id, string Name)
{
    /// <summary>The user of a stream (the WebSocket carries the login cookie).</summary>
    public static ChatUser Of(StreamContext context) => Of(context.User)
        ?? throw new StreamException(StreamErrorCodes.Unauthorized, "Sign in first.");

    /// <summary>The user of a principal, or null when it is not signed in.</summary>
    public static ChatUser? Of(ClaimsPrincipal principal)
        => principal.FindFirstValue(ClaimTypes.NameIdentifier) is { Length: > 0 } id
            ? new ChatUser(id, principal.Identity?.Name ?? id)
            : null;
}
