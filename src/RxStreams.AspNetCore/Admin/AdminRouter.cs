using Microsoft.AspNetCore.Authorization;
using RxStreams.Routing;

namespace RxStreams.AspNetCore.Admin;

/// <summary>
/// The built-in route of the admin stream, <c>$admin</c>: a subscription to the merged view of the cluster
/// (<see cref="AdminNode.Views"/>). Every host has this router in its route table, but the route exists only once
/// <c>MapRxStreamsAdmin</c> enabled it (before, an OPEN gets <c>route_not_found</c>), and then only for users the
/// named authorization policy admits: the endpoint carries <c>[Authorize(Policy = …)]</c> as its metadata, so the
/// connection's authorization applies it to every OPEN, as for the application's own handlers.
/// </summary>
internal sealed class AdminRouter : StreamRouter
{
    public const string Route = "$admin";

    private readonly List<object> _metadata = [];
    private readonly AdminEndpoint _endpoint;
    private volatile AdminNode? _node;

    public AdminRouter()
    {
        _endpoint = new AdminEndpoint(this, _metadata);
        Endpoints = [_endpoint];
    }

    public override IReadOnlyList<StreamEndpoint> Endpoints { get; }

    /// <summary>The policy that guards the stream, once enabled.</summary>
    public string? Policy { get; private set; }

    /// <summary>Turns the route on, guarded by <paramref name="policy"/>. Once per host.</summary>
    /// <exception cref="InvalidOperationException">It was already enabled.</exception>
    public void Enable(string policy, AdminNode node)
    {
        lock (_metadata)
        {
            if (_node is not null)
            {
                throw new InvalidOperationException(
                    $"MapRxStreamsAdmin was already called (for the policy '{Policy}'): a host serves one admin page; map it once.");
            }
            _metadata.Add(new AuthorizeAttribute(policy));
            Policy = policy;
            _node = node; // last: the route matches only once its metadata is complete
        }
    }

    public override RouteMatchStatus Match(string route, ref RouteValues values, out StreamEndpoint? endpoint)
    {
        if (_node is not null && string.Equals(route, Route, StringComparison.Ordinal))
        {
            endpoint = _endpoint;
            return RouteMatchStatus.Matched;
        }
        endpoint = null;
        return RouteMatchStatus.NotFound;
    }

    private sealed class AdminEndpoint(AdminRouter router, IReadOnlyList<object> metadata)
        : StreamEndpoint(Route, StreamInteraction.Subscription, false, [], metadata, "RxStreams.Admin")
    {
        public override StreamHandlerResult Invoke(StreamInvocation invocation)
        {
            var node = router._node ?? throw new StreamException(StreamErrorCodes.RouteNotFound, "The admin page is not mapped on this host.");
            return StreamHandlerResult.FromObservable(node.Views(), ClusterViewSerializer.Instance);
        }
    }
}
