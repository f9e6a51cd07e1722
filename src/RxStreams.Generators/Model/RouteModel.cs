using System;

namespace RxStreams.Generators.Model;

/// <summary>One route of the router: its template and the endpoint class serving it.</summary>
internal sealed record RouteModel(RouteTemplate Template, string EndpointType)
{
    /// <summary>
    /// The order the router tries templates in: by segment count, then segment by segment a literal before a typed
    /// parameter before a string parameter (equal literals stay together); ties, which only templates of the same
    /// shape have, by text and endpoint so the order is deterministic.
    /// </summary>
    public static int CompareMatchOrder(RouteModel x, RouteModel y)
    {
        var a = x.Template.Segments;
        var b = y.Template.Segments;
        var c = a.Count.CompareTo(b.Count);
        for (var i = 0; c == 0 && i < a.Count; i++)
        {
            c = Rank(a[i]).CompareTo(Rank(b[i]));
            if (c == 0)
            {
                c = a[i].IsParameter ? a[i].Constraint.CompareTo(b[i].Constraint) : string.CompareOrdinal(a[i].Value, b[i].Value);
            }
        }
        if (c == 0)
        {
            c = string.CompareOrdinal(x.Template.Text, y.Template.Text);
        }
        return c != 0 ? c : string.CompareOrdinal(x.EndpointType, y.EndpointType);
    }

    private static int Rank(RouteSegment segment) => !segment.IsParameter ? 0 : segment.Constraint != RouteConstraint.None ? 1 : 2;
}
