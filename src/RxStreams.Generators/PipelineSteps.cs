using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using RxStreams.Generators.Helpers;
using RxStreams.Generators.Model;

namespace RxStreams.Generators;

/// <summary>The steps that combine per-class results into compilation-wide models. Pure functions of values.</summary>
internal static class PipelineSteps
{
    private const string RegistrationAttribute = "RxStreams.Routing.StreamRegistrationAttribute";

    /// <summary>The facts about the compilation the output needs: its registration class name and the referenced registrations.</summary>
    public static AssemblyModel ReadAssembly(Compilation compilation, CancellationToken cancellationToken)
    {
        var referenced = new List<string>();
        var attribute = compilation.GetTypeByMetadataName(RegistrationAttribute);
        if (attribute is not null)
        {
            foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // RxStreams registers its own message types from its own module initializer, which the runtime runs
                // before any RxStreams code: nobody needs to call it.
                if (SymbolEqualityComparer.Default.Equals(assembly, attribute.ContainingAssembly))
                {
                    continue;
                }
                foreach (var data in assembly.GetAttributes())
                {
                    if (SymbolEqualityComparer.Default.Equals(data.AttributeClass, attribute)
                        && data.ConstructorArguments.Length == 1 && data.ConstructorArguments[0].Value is INamedTypeSymbol registration
                        && compilation.IsSymbolAccessibleWithin(registration, compilation.Assembly))
                    {
                        referenced.Add(registration.ToDisplayString(Names.FullyQualifiedNoAnnotations));
                    }
                }
            }
        }
        referenced.Sort(StringComparer.Ordinal);
        // The router and the serializers are nested in this class: none may have its name (CS0542). An all
        // lower-case name ("chat") would be warned about as possibly reserved by the language (CS8981).
        var className = Names.Sanitize(compilation.AssemblyName ?? "Assembly");
        if (className == "Router" || className.EndsWith("Serializer", StringComparison.Ordinal)
            || className.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9')))
        {
            className += "_";
        }
        return new AssemblyModel(
            className,
            compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.ModuleInitializerAttribute") is not null,
            referenced.Distinct().ToEquatableArray());
    }

    /// <summary>Every route of the compilation in match order, one per shape (RXS0002 reports the others).</summary>
    public static RouterModel BuildRouter(ImmutableArray<HandlerClassModel> models, CancellationToken cancellationToken)
    {
        var routes = models
            .SelectMany(m => m.Endpoints.Select(e => new RouteModel(e.Template, m.FullName + "." + e.ClassName)))
            .ToList();
        routes.Sort(RouteModel.CompareMatchOrder);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return new RouterModel(routes.Where(r => seen.Add(r.Template.Shape)).ToEquatableArray());
    }

    /// <summary>RXS0002 for every route whose shape an earlier one (in file and position order) already has.</summary>
    public static EquatableArray<DiagnosticInfo> FindDuplicateRoutes(ImmutableArray<EquatableArray<RouteDeclaration>> declarations, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var ordered = declarations.SelectMany(d => d)
            .OrderBy(d => d.Location?.FilePath ?? "", StringComparer.Ordinal)
            .ThenBy(d => d.Location?.Span.Start ?? 0);
        var first = new Dictionary<string, RouteDeclaration>(StringComparer.Ordinal);
        foreach (var declaration in ordered)
        {
            if (first.TryGetValue(declaration.Shape, out var original))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateRoute, declaration.Location,
                    declaration.Template, declaration.DisplayName, original.Template, original.DisplayName));
            }
            else
            {
                first[declaration.Shape] = declaration;
            }
        }
        return diagnostics.ToEquatableArray();
    }

    /// <summary>One serializer model per named type and per other payload type, merged over every source and sorted.</summary>
    public static EquatableArray<SerializerModel> BuildSerializers(
        ((ImmutableArray<TypeSetModel> Handlers, ImmutableArray<TypeSetModel> Messages) Sets, AssemblyModel Assembly) input,
        CancellationToken cancellationToken)
    {
        var container = input.Assembly.ClassName;
        var named = new Dictionary<string, NamedTypeModel>(StringComparer.Ordinal);
        var roots = new Dictionary<string, TypeModel>(StringComparer.Ordinal);
        foreach (var set in input.Sets.Handlers.Concat(input.Sets.Messages))
        {
            foreach (var type in set.NamedTypes)
            {
                if (!named.ContainsKey(type.SerializerName))
                {
                    named[type.SerializerName] = type;
                }
            }
            foreach (var root in set.Roots)
            {
                if (root.Kind is not (JsonTypeKind.Object or JsonTypeKind.Enum) && !roots.ContainsKey(root.Mangled))
                {
                    roots[root.Mangled] = root;
                }
            }
        }
        var models = new List<SerializerModel>();
        foreach (var type in named.Values)
        {
            models.Add(new SerializerModel(container, type.SerializerName, type.TypeName, type, null));
        }
        foreach (var root in roots.Values)
        {
            var className = root.Mangled + "Serializer";
            if (!named.ContainsKey(className))
            {
                models.Add(new SerializerModel(container, className, root.Name, null, root));
            }
        }
        models.Sort((a, b) => string.CompareOrdinal(a.ClassName, b.ClassName));
        return models.ToEquatableArray();
    }

    public static RegistrationModel BuildRegistration(((RouterModel Router, EquatableArray<SerializerModel> Serializers) Parts, AssemblyModel Assembly) input, CancellationToken cancellationToken)
        => new(
            input.Assembly,
            input.Parts.Router.Routes.Count > 0,
            input.Parts.Serializers.Select(s => new SerializerRegistration(s.TypeName, s.ClassName)).ToEquatableArray());

    /// <summary>Every diagnostic, once (a type used by several handlers is analyzed by each).</summary>
    public static EquatableArray<DiagnosticInfo> MergeDiagnostics(
        ((ImmutableArray<EquatableArray<DiagnosticInfo>> Handlers, ImmutableArray<EquatableArray<DiagnosticInfo>> Messages) Parsed, EquatableArray<DiagnosticInfo> Routes) input,
        CancellationToken cancellationToken)
    {
        var seen = new HashSet<DiagnosticInfo>();
        var all = new List<DiagnosticInfo>();
        foreach (var diagnostic in input.Parsed.Handlers.SelectMany(d => d).Concat(input.Parsed.Messages.SelectMany(d => d)).Concat(input.Routes))
        {
            if (seen.Add(diagnostic))
            {
                all.Add(diagnostic);
            }
        }
        return all.ToEquatableArray();
    }
}
