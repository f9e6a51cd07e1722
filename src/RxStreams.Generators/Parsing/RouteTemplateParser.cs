using System;
using System.Collections.Generic;
using System.Linq;
using RxStreams.Generators.Model;

namespace RxStreams.Generators.Parsing;

/// <summary>Parses and validates route templates. Every rule here is one the generated router relies on.</summary>
internal static class RouteTemplateParser
{
    /// <summary>The most parameters a template may have (RxStreams.Routing.RouteValues.MaxCount).</summary>
    public const int MaxParameters = 8;

    /// <summary>Parses one template (a class prefix or a method's own); on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(string? text, out RouteTemplate template, out string error)
    {
        template = null!;
        error = "";
        if (text is null || text.Length == 0)
        {
            error = "the template is empty";
            return false;
        }

        var segments = new List<RouteSegment>();
        var parts = text.Split('/');
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (part.Length == 0)
            {
                error = i == 0 ? "it starts with '/' (an empty first segment)"
                    : i == parts.Length - 1 ? "it ends with '/' (an empty last segment)"
                    : "it has an empty segment ('//')";
                return false;
            }
            if (!TryParseSegment(part, out var segment, out error))
            {
                return false;
            }
            segments.Add(segment);
        }

        template = new RouteTemplate(text, segments.ToEquatableArray());
        return Validate(template, out error);
    }

    /// <summary>Joins a class prefix and a method template (either may be null) and checks the whole.</summary>
    public static bool TryCombine(RouteTemplate? prefix, RouteTemplate? method, out RouteTemplate combined, out string error)
    {
        if (prefix is null || method is null)
        {
            combined = (prefix ?? method)!;
            error = "";
            return true;
        }
        combined = new RouteTemplate(prefix.Text + "/" + method.Text, prefix.Segments.Concat(method.Segments).ToEquatableArray());
        return Validate(combined, out error);
    }

    private static bool Validate(RouteTemplate template, out string error)
    {
        error = "";
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var count = 0;
        foreach (var segment in template.Segments.Where(s => s.IsParameter))
        {
            if (!names.Add(segment.Value))
            {
                error = $"the parameter '{segment.Value}' appears more than once (parameter names are case-insensitive)";
                return false;
            }
            count++;
        }
        if (count > MaxParameters)
        {
            error = $"it has {count} parameters; a route has at most {MaxParameters}";
            return false;
        }
        return true;
    }

    private static bool TryParseSegment(string part, out RouteSegment segment, out string error)
    {
        segment = null!;
        error = "";
        var open = part.IndexOf('{');
        var close = part.IndexOf('}');
        if (open < 0 && close < 0)
        {
            foreach (var c in part)
            {
                if (!IsLiteralChar(c))
                {
                    error = $"the character '{Printable(c)}' is not allowed in a route template (segment '{part}')";
                    return false;
                }
            }
            segment = new RouteSegment(part, false, RouteConstraint.None);
            return true;
        }

        if (part.Count(c => c == '{') != part.Count(c => c == '}') || open < 0 || close < open)
        {
            error = $"the braces of segment '{part}' are unbalanced";
            return false;
        }
        if (part.Count(c => c == '{') > 1)
        {
            error = $"segment '{part}' has several parameters; a segment is one literal or one parameter";
            return false;
        }
        if (open != 0 || close != part.Length - 1)
        {
            error = $"segment '{part}' mixes a literal and a parameter; a segment is one literal or one parameter";
            return false;
        }

        var inner = part.Substring(1, part.Length - 2);
        var colon = inner.IndexOf(':');
        var name = colon < 0 ? inner : inner.Substring(0, colon);
        if (!IsIdentifier(name))
        {
            error = name.Length == 0
                ? $"the parameter of segment '{part}' has no name"
                : $"'{name}' is not a valid parameter name (letters, digits and '_', not starting with a digit)";
            return false;
        }

        var constraint = RouteConstraint.None;
        if (colon >= 0)
        {
            var text = inner.Substring(colon + 1);
            switch (text)
            {
                case "int": constraint = RouteConstraint.Int; break;
                case "long": constraint = RouteConstraint.Long; break;
                case "guid": constraint = RouteConstraint.Guid; break;
                case "bool": constraint = RouteConstraint.Bool; break;
                default:
                    error = $"the constraint '{text}' of parameter '{name}' is unknown (use int, long, guid or bool)";
                    return false;
            }
        }
        segment = new RouteSegment(name, true, constraint);
        return true;
    }

    private static bool IsLiteralChar(char c)
        => c > ' ' && c != 0x7F && !char.IsWhiteSpace(c) && !char.IsControl(c)
           && c is not ('?' or '#' or '*' or '\\' or '"' or '%');

    private static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }
        return name.All(c => char.IsLetterOrDigit(c) || c == '_');
    }

    private static string Printable(char c) => c != ' ' && (char.IsWhiteSpace(c) || char.IsControl(c)) ? $"\\u{(int)c:X4}" : c.ToString();
}
