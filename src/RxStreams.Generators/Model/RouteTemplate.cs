using System.Linq;
using System.Text;

namespace RxStreams.Generators.Model;

/// <summary>A parsed, valid route template.</summary>
internal sealed record RouteTemplate(string Text, EquatableArray<RouteSegment> Segments)
{
    /// <summary>The template with parameter names erased: two templates of the same shape match the same routes.</summary>
    public string Shape
    {
        get
        {
            var sb = new StringBuilder();
            foreach (var segment in Segments)
            {
                if (sb.Length > 0)
                {
                    sb.Append('/');
                }
                sb.Append(segment.IsParameter ? "{" + ConstraintSuffix(segment.Constraint) + "}" : segment.Value);
            }
            return sb.ToString();
        }
    }

    public string[] ParameterNames => Segments.Where(s => s.IsParameter).Select(s => s.Value).ToArray();

    public static string ConstraintSuffix(RouteConstraint constraint) => constraint switch
    {
        RouteConstraint.Int => ":int",
        RouteConstraint.Long => ":long",
        RouteConstraint.Guid => ":guid",
        RouteConstraint.Bool => ":bool",
        _ => "",
    };

    public static string ConstraintType(RouteConstraint constraint) => constraint switch
    {
        RouteConstraint.Int => "int",
        RouteConstraint.Long => "long",
        RouteConstraint.Guid => "System.Guid",
        RouteConstraint.Bool => "bool",
        _ => "string",
    };
}
