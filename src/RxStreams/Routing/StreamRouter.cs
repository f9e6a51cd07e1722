using System.ComponentModel;

namespace RxStreams.Routing;

/// <summary>
/// A compiled matcher over the route templates of one assembly. The source generator emits one per assembly that
/// has handlers and registers it with <see cref="StreamRoutes.Register"/>; hosts combine them into a
/// <see cref="StreamRouteTable"/>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class StreamRouter
{
    /// <summary>Every endpoint of the router.</summary>
    public abstract IReadOnlyList<StreamEndpoint> Endpoints { get; }

    /// <summary>
    /// Matches <paramref name="route"/>. On <see cref="RouteMatchStatus.Matched"/>, <paramref name="endpoint"/> is set
    /// and <paramref name="values"/> holds its parameter values in template order. Allocates nothing.
    /// </summary>
    public abstract RouteMatchStatus Match(string route, ref RouteValues values, out StreamEndpoint? endpoint);
}
