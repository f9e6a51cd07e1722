using System.ComponentModel;

namespace RxStreams.Routing;

/// <summary>The outcome of matching a route against the compiled templates.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum RouteMatchStatus
{
    /// <summary>A template matched and every typed value parsed.</summary>
    Matched,

    /// <summary>No template has this shape (error code <c>route_not_found</c>).</summary>
    NotFound,

    /// <summary>A template has this shape but a typed value did not parse, e.g. <c>"abc"</c> for <c>{id:int}</c> (error code <c>bad_route_value</c>).</summary>
    InvalidValue,
}
