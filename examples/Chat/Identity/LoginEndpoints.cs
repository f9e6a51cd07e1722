using System.Security.Claims;
using System.Security.Cryptography;
using Chat.Model;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Chat.Identity;

/// <summary>
/// A tiny cookie login: a display name is all it takes. The cookie holds a random user id (kept when the name
/// changes) and the name; the RxStreams WebSocket carries it, and handlers read both from <c>context.User</c>.
/// </summary>
public static class LoginEndpoints
{
    /// <summary>Maps <c>POST /api/login</c>, <c>GET /api/me</c> (204 when signed out) and <c>POST /api/logout</c>.</summary>
    public static void MapLogin(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");

        api.MapPost("/login", async (LoginRequest request, HttpContext http) =>
        {
            if (Names.ToDisplayName(request.Name) is not { } name)
            {
                return Results.BadRequest(new ApiError($"A display name has 1 to {Names.MaxDisplayName} characters."));
            }
            var id = ChatUser.Of(http.User)?.Id ?? NewUserId();
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Name, name)], CookieAuthenticationDefaults.AuthenticationScheme);
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = true });
            return Results.Ok(new Me(id, name));
        });

        api.MapGet("/me", (HttpContext http) => ChatUser.Of(http.User) is { } me ? Results.Ok(new Me(me.Id, me.Name)) : Results.NoContent());

        api.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.NoContent();
        });
    }

    private static string NewUserId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', '-').Replace('/', '_');
}
