using System.Linq;
using System.Text;

namespace RxStreams.Generators.Model;

/// <summary>The constraint of a route parameter, which decides its C# type.</summary>
internal enum RouteConstraint
{
    /// <summary><c>{x}</c>: string.</summary>
    None,

    /// <summary><c>{x:int}</c>.</summary>
    Int,

    /// <summary><c>{x:long}</c>.</summary>
    Long,

    /// <summary><c>{x:guid}</c>.</summary>
    Guid,

    /// <summary><c>{x:bool}</c>.</summary>
    Bool,
}

/// <summary>One segment of a template: a literal, or a parameter with its constraint.</summary>
internal sealed record RouteSegment(string Value, bool IsParameter, RouteConstraint Constraint);

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
