using System.ComponentModel;
using System.Text;

namespace RxStreams.Routing;

/// <summary>All routes a host serves: the routers of every assembly, checked for conflicts once, matched in turn.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class StreamRouteTable
{
    private readonly StreamRouter[] _routers;

    /// <summary>Combines routers.</summary>
    /// <exception cref="InvalidOperationException">Two endpoints of different routers have the same route shape.</exception>
    public StreamRouteTable(IEnumerable<StreamRouter> routers)
    {
        ArgumentNullException.ThrowIfNull(routers);
        _routers = [.. routers.Distinct()];
        var seen = new Dictionary<string, StreamEndpoint>(StringComparer.Ordinal);
        foreach (var endpoint in _routers.SelectMany(r => r.Endpoints))
        {
            var shape = Shape(endpoint.Template);
            if (seen.TryGetValue(shape, out var other))
            {
                throw new InvalidOperationException(
                    $"The stream routes '{other.Template}' ({other.DisplayName}) and '{endpoint.Template}' ({endpoint.DisplayName}) match the same streams. Give one of them another template.");
            }
            seen[shape] = endpoint;
        }
        Endpoints = [.. _routers.SelectMany(r => r.Endpoints)];
    }

    /// <summary>Every endpoint.</summary>
    public IReadOnlyList<StreamEndpoint> Endpoints { get; }

    /// <summary>Matches a route against every router.</summary>
    public RouteMatchStatus Match(string route, ref RouteValues values, out StreamEndpoint? endpoint)
    {
        var status = RouteMatchStatus.NotFound;
        foreach (var router in _routers)
        {
            values.Clear();
            switch (router.Match(route, ref values, out endpoint))
            {
                case RouteMatchStatus.Matched:
                    return RouteMatchStatus.Matched;
                case RouteMatchStatus.InvalidValue:
                    status = RouteMatchStatus.InvalidValue;
                    break;
            }
        }
        endpoint = null;
        return status;
    }

    /// <summary>The template with parameter names erased: "chat/{room}" and "chat/{name}" have the same shape.</summary>
    private static string Shape(string template)
    {
        var sb = new StringBuilder();
        foreach (var segment in template.Split('/'))
        {
            if (sb.Length > 0)
            {
                sb.Append('/');
            }
            if (segment.StartsWith('{'))
            {
                var colon = segment.IndexOf(':');
                sb.Append(colon < 0 ? "{}" : "{" + segment[colon..]);
            }
            else
            {
                sb.Append(segment);
            }
        }
        return sb.ToString();
    }
}
