using Microsoft.AspNetCore.Authorization;

namespace RxStreams.AspNetCore.Tests;

/// <summary>An authorization policy that stays pending until <see cref="Release"/>: requests wait for it.</summary>
public sealed class PendingAuthorization : AuthorizationHandler<PendingAuthorization.Requirement>, IAuthorizationRequirement
{
    public const string Policy = "pending";

    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _released.TrySetResult();

    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, Requirement requirement)
    {
        await _released.Task.ConfigureAwait(false);
        context.Succeed(requirement);
    }

    public sealed class Requirement : IAuthorizationRequirement;
}
