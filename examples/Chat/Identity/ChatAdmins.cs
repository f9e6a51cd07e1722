using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace Chat.Identity;

/// <summary>
/// Who may see the RxStreams admin page (<c>/rx/admin</c>): the users whose id is listed under <c>Chat:Admins</c>
/// in configuration. The id, not the display name: the chat's login takes any name, but the id is random, kept in the
/// signed login cookie, and shown to its user at <c>/api/me</c>. Read at every check, so an edit of appsettings.json
/// (or any configuration source) applies without a restart.
/// </summary>
public static class ChatAdmins
{
    /// <summary>The authorization policy's name.</summary>
    public const string Policy = "admin";

    /// <summary>The configuration section that lists the admins' user ids.</summary>
    public const string Section = "Chat:Admins";

    /// <summary>Adds the <see cref="Policy"/> policy: a signed-in user whose id is listed in <see cref="Section"/>.</summary>
    public static void AddAdminPolicy(this AuthorizationOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        options.AddPolicy(Policy, p => p.RequireAuthenticatedUser().RequireAssertion(context => IsAdmin(context.User, configuration)));
    }

    /// <summary>True when <paramref name="user"/>'s id is listed.</summary>
    public static bool IsAdmin(ClaimsPrincipal user, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(configuration);
        return user.FindFirstValue(ClaimTypes.NameIdentifier) is { Length: > 0 } id
            && configuration.GetSection(Section).GetChildren().Any(c => string.Equals(c.Value, id, StringComparison.Ordinal));
    }
}
