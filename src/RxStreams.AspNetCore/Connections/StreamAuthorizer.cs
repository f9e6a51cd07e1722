using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using RxStreams.Routing;

namespace RxStreams.AspNetCore.Connections;

/// <summary>The result of authorizing a stream open.</summary>
internal enum AuthorizationOutcome
{
    Allowed,
    Unauthenticated,
    Forbidden,
}

/// <summary>
/// Applies a handler's <c>[Authorize]</c> / <c>[AllowAnonymous]</c> attributes (class, then method, as the generator
/// copied them into the endpoint's metadata) through ASP.NET Core's own authorization, when a stream opens.
/// </summary>
internal sealed class StreamAuthorizer(IAuthorizationPolicyProvider policies, IAuthorizationService authorization)
{
    private readonly ConcurrentDictionary<StreamEndpoint, Task<AuthorizationPolicy?>> _policies = new();

    public ValueTask<AuthorizationOutcome> AuthorizeAsync(ClaimsPrincipal user, StreamEndpoint endpoint, object resource)
    {
        if (endpoint.Metadata.Count == 0)
        {
            return ValueTask.FromResult(AuthorizationOutcome.Allowed);
        }
        var policy = _policies.GetOrAdd(endpoint, static (e, p) => CombineAsync(e, p), policies);
        if (policy.IsCompletedSuccessfully)
        {
            if (policy.Result is null)
            {
                return ValueTask.FromResult(AuthorizationOutcome.Allowed);
            }
            var check = authorization.AuthorizeAsync(user, resource, policy.Result);
            if (check.IsCompletedSuccessfully)
            {
                return ValueTask.FromResult(Outcome(user, check.Result));
            }
        }
        return SlowAsync(user, policy, resource);
    }

    private async ValueTask<AuthorizationOutcome> SlowAsync(ClaimsPrincipal user, Task<AuthorizationPolicy?> policyTask, object resource)
    {
        var policy = await policyTask.ConfigureAwait(false);
        return policy is null ? AuthorizationOutcome.Allowed : Outcome(user, await authorization.AuthorizeAsync(user, resource, policy).ConfigureAwait(false));
    }

    private static async Task<AuthorizationPolicy?> CombineAsync(StreamEndpoint endpoint, IAuthorizationPolicyProvider policies)
    {
        // [AllowAnonymous] on the method wins over [Authorize] on the class, as in MVC.
        if (endpoint.Metadata.OfType<IAllowAnonymous>().Any())
        {
            return null;
        }
        return await AuthorizationPolicy.CombineAsync(policies, endpoint.Metadata.OfType<IAuthorizeData>()).ConfigureAwait(false);
    }

    private static AuthorizationOutcome Outcome(ClaimsPrincipal user, AuthorizationResult result)
        => result.Succeeded ? AuthorizationOutcome.Allowed
            : user.Identity?.IsAuthenticated == true ? AuthorizationOutcome.Forbidden
            : AuthorizationOutcome.Unauthenticated;
}
