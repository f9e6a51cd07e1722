using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using RxStreams.Generators.Helpers;
using RxStreams.Generators.Model;

namespace RxStreams.Generators.Emitting;

/// <summary>
/// Emits the compilation's one router: the route is split on '/' into at most as many segments as the longest
/// template (an empty segment never matches), then the templates with that many segments are tried in precedence
/// order (literal before typed parameter before string parameter, segment by segment), grouped by their first
/// literal. Literals compare ordinally on spans, typed values are checked with RouteValues.IsInt32 and friends:
/// no regex, no reflection, no allocation.
/// </summary>
internal static class RouterEmitter
{
    private const string Status = "global::RxStreams.Routing.RouteMatchStatus";

    public static void Emit(SourceProductionContext context, (RouterModel Router, string ContainerClass) input)
    {
        if (input.Router.Routes.Count > 0)
        {
            context.AddSource("RxStreams.Router.g.cs", Generate(input.Router, input.ContainerClass));
        }
    }

    public static string Generate(RouterModel router, string containerClass)
    {
        var routes = router.Routes;
        var maxSegments = routes.Max(r => r.Template.Segments.Count);
        var writer = new SourceWriter();
        EmitterHelpers.WriteHeader(writer);
        writer.WriteLine("namespace RxStreams.Generated");
        writer.OpenBlock();
        writer.WriteLine($"public static partial class {containerClass}");
        writer.OpenBlock();
        writer.WriteLine("/// <summary>The stream routes of this assembly, compiled.</summary>");
        writer.WriteLine("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        writer.WriteLine("internal sealed class Router : global::RxStreams.Routing.StreamRouter");
        writer.OpenBlock();
        writer.WriteLine("/// <summary>The most segments a template of this router has.</summary>");
        writer.WriteLine($"private const int MaxSegments = {maxSegments.ToString(CultureInfo.InvariantCulture)};");
        writer.WriteLine();
        writer.WriteLine("/// <summary>The router registered with StreamRoutes.</summary>");
        writer.WriteLine("public static readonly Router Instance = new Router();");
        writer.WriteLine();
        for (var i = 0; i < routes.Count; i++)
        {
            writer.WriteLine($"private readonly global::RxStreams.Routing.StreamEndpoint _endpoint{i} = new {routes[i].EndpointType}();");
        }
        writer.WriteLine("private readonly global::System.Collections.Generic.IReadOnlyList<global::RxStreams.Routing.StreamEndpoint> _endpoints;");
        writer.WriteLine();
        writer.WriteLine("private Router()");
        writer.OpenBlock();
        writer.WriteLine("_endpoints = global::System.Array.AsReadOnly(new global::RxStreams.Routing.StreamEndpoint[]");
        writer.OpenBlock();
        for (var i = 0; i < routes.Count; i++)
        {
            writer.WriteLine($"_endpoint{i},");
        }
        writer.CloseBlock(");");
        writer.CloseBlock();
        writer.WriteLine();
        writer.WriteLine("/// <inheritdoc />");
        writer.WriteLine("public override global::System.Collections.Generic.IReadOnlyList<global::RxStreams.Routing.StreamEndpoint> Endpoints => _endpoints;");
        writer.WriteLine();
        WriteMatch(writer, routes);
        writer.WriteLine();
        writer.WriteLine("private static bool Is(global::System.ReadOnlySpan<char> segment, string literal)");
        writer.WriteLine("    => global::System.MemoryExtensions.SequenceEqual(segment, global::System.MemoryExtensions.AsSpan(literal));");
        writer.CloseBlock();
        writer.CloseBlock();
        writer.CloseBlock();
        return writer.ToString();
    }

    private static void WriteMatch(SourceWriter writer, EquatableArray<RouteModel> routes)
    {
        var anyTyped = routes.Any(r => r.Template.Segments.Any(s => s.IsParameter && s.Constraint != RouteConstraint.None));
        writer.WriteLine("/// <inheritdoc />");
        writer.WriteLine($"public override {Status} Match(string route, ref global::RxStreams.Routing.RouteValues values, out global::RxStreams.Routing.StreamEndpoint? endpoint)");
        writer.OpenBlock();
        writer.WriteLine("endpoint = null;");
        writer.WriteLine("if (route is null || route.Length == 0)");
        writer.OpenBlock();
        writer.WriteLine($"return {Status}.NotFound;");
        writer.CloseBlock();
        writer.WriteLine();
        writer.WriteLine("// Split into segments: more than MaxSegments, or an empty one (leading, trailing or double '/'), never match.");
        writer.WriteLine("global::System.Span<int> starts = stackalloc int[MaxSegments];");
        writer.WriteLine("global::System.Span<int> lengths = stackalloc int[MaxSegments];");
        writer.WriteLine("var count = 0;");
        writer.WriteLine("var start = 0;");
        writer.WriteLine("while (true)");
        writer.OpenBlock();
        writer.WriteLine("var slash = route.IndexOf('/', start);");
        writer.WriteLine("var end = slash < 0 ? route.Length : slash;");
        writer.WriteLine("if (end == start || count == MaxSegments)");
        writer.OpenBlock();
        writer.WriteLine($"return {Status}.NotFound;");
        writer.CloseBlock();
        writer.WriteLine("starts[count] = start;");
        writer.WriteLine("lengths[count] = end - start;");
        writer.WriteLine("count++;");
        writer.WriteLine("if (slash < 0)");
        writer.OpenBlock();
        writer.WriteLine("break;");
        writer.CloseBlock();
        writer.WriteLine("start = slash + 1;");
        writer.CloseBlock();
        writer.WriteLine();
        writer.WriteLine("var text = global::System.MemoryExtensions.AsSpan(route);");
        if (anyTyped)
        {
            writer.WriteLine("var invalid = false;");
        }
        writer.WriteLine("switch (count)");
        writer.OpenBlock();

        // The routes are in match order (RouteModel.CompareMatchOrder); an endpoint's field is numbered by its position.
        foreach (var bySize in routes.Select((route, index) => (Route: route, Index: index)).GroupBy(r => r.Route.Template.Segments.Count))
        {
            writer.WriteLine($"case {bySize.Key.ToString(CultureInfo.InvariantCulture)}:");
            writer.OpenBlock();
            var used = new SortedSet<int>(bySize.SelectMany(r => r.Route.Template.Segments.Select((s, i) => (s, i))
                .Where(x => !x.s.IsParameter || x.s.Constraint != RouteConstraint.None).Select(x => x.i)));
            foreach (var i in used)
            {
                writer.WriteLine($"var s{i} = text.Slice(starts[{i}], lengths[{i}]);");
            }

            var endsWithReturn = false;
            // Templates starting with a literal, grouped by it (different literals exclude each other) …
            foreach (var group in bySize.Where(r => !r.Route.Template.Segments[0].IsParameter).GroupBy(r => r.Route.Template.Segments[0].Value, StringComparer.Ordinal))
            {
                writer.WriteLine($"if (Is(s0, {Names.Literal(group.Key)}))");
                writer.OpenBlock();
                foreach (var (route, index) in group)
                {
                    WriteTemplate(writer, route, index, skipFirst: true);
                }
                writer.CloseBlock();
            }
            // … then those starting with a parameter, which come after every literal in precedence.
            foreach (var (route, index) in bySize.Where(r => r.Route.Template.Segments[0].IsParameter))
            {
                endsWithReturn = WriteTemplate(writer, route, index, skipFirst: false);
            }
            if (!endsWithReturn)
            {
                writer.WriteLine("break;");
            }
            writer.CloseBlock();
        }

        writer.CloseBlock();
        writer.WriteLine();
        writer.WriteLine(anyTyped
            ? $"return invalid ? {Status}.InvalidValue : {Status}.NotFound;"
            : $"return {Status}.NotFound;");
        writer.CloseBlock();
    }

    /// <summary>Writes one template's test; returns true when it matches unconditionally (nothing after it runs).</summary>
    private static bool WriteTemplate(SourceWriter writer, RouteModel route, int index, bool skipFirst)
    {
        var segments = route.Template.Segments;
        var literals = new List<string>();
        var typed = new List<string>();
        for (var i = skipFirst ? 1 : 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            if (!segment.IsParameter)
            {
                literals.Add($"Is(s{i}, {Names.Literal(segment.Value)})");
            }
            else if (segment.Constraint != RouteConstraint.None)
            {
                typed.Add($"global::RxStreams.Routing.RouteValues.Is{ValidatorOf(segment.Constraint)}(s{i})");
            }
        }

        writer.WriteLine("// " + route.Template.Text);
        if (literals.Count > 0)
        {
            writer.WriteLine($"if ({string.Join(" && ", literals)})");
            writer.OpenBlock();
        }
        if (typed.Count > 0)
        {
            writer.WriteLine($"if ({string.Join(" && ", typed)})");
            writer.OpenBlock();
            WriteMatched(writer, segments, index);
            writer.CloseBlock();
            writer.WriteLine("invalid = true;");
        }
        else
        {
            WriteMatched(writer, segments, index);
        }
        if (literals.Count > 0)
        {
            writer.CloseBlock();
        }
        return literals.Count == 0 && typed.Count == 0;
    }

    private static void WriteMatched(SourceWriter writer, EquatableArray<RouteSegment> segments, int index)
    {
        writer.WriteLine("values.Clear();");
        for (var i = 0; i < segments.Count; i++)
        {
            if (segments[i].IsParameter)
            {
                writer.WriteLine($"values.Add(starts[{i}], lengths[{i}]);");
            }
        }
        writer.WriteLine($"endpoint = _endpoint{index};");
        writer.WriteLine($"return {Status}.Matched;");
    }

    private static string ValidatorOf(RouteConstraint constraint) => constraint switch
    {
        RouteConstraint.Int => "Int32",
        RouteConstraint.Long => "Int64",
        RouteConstraint.Guid => "Guid",
        _ => "Boolean",
    };
}
