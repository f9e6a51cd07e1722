using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RxStreams.Generators.Helpers;
using RxStreams.Generators.Model;

namespace RxStreams.Generators.Parsing;

/// <summary>
/// Reduces a class with [StreamRoute] (on the class or on its methods) to a <see cref="HandlerClassResult"/>:
/// the endpoints to emit, the message types they use, their routes and every diagnostic.
/// </summary>
internal sealed class HandlerParser
{
    private const string AuthorizeData = "Microsoft.AspNetCore.Authorization.IAuthorizeData";
    private const string AllowAnonymous = "Microsoft.AspNetCore.Authorization.IAllowAnonymous";

    private readonly KnownTypes _known;
    private readonly INamedTypeSymbol _type;
    private readonly AttributeData? _classAttribute;
    private readonly CancellationToken _cancellationToken;
    private readonly List<DiagnosticInfo> _diagnostics = [];
    private readonly TypeAnalyzer _types;
    private readonly string _typeDisplay;

    private HandlerParser(KnownTypes known, INamedTypeSymbol type, AttributeData? classAttribute, CancellationToken cancellationToken)
    {
        _known = known;
        _type = type;
        _classAttribute = classAttribute;
        _cancellationToken = cancellationToken;
        _types = new TypeAnalyzer(known, _diagnostics, cancellationToken);
        _typeDisplay = type.ToDisplayString(Names.TypeOnly);
    }

    /// <summary>The transform of the [StreamRoute] pipeline step. Null when another target of the same class covers it.</summary>
    public static HandlerClassResult? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var known = new KnownTypes(context.SemanticModel.Compilation);
        switch (context.TargetSymbol)
        {
            case INamedTypeSymbol type:
                return new HandlerParser(known, type, context.Attributes[0], cancellationToken).Run();
            case IMethodSymbol method:
                var containing = method.ContainingType;
                if (containing is null || KnownTypes.HasAttribute(containing, known.StreamRouteAttribute))
                {
                    return null; // the class's own [StreamRoute] result covers its methods
                }
                // A class without a template of its own is parsed once, for its first marked method.
                var first = containing.GetMembers().OfType<IMethodSymbol>().FirstOrDefault(m => KnownTypes.HasAttribute(m, known.StreamRouteAttribute));
                return SymbolEqualityComparer.Default.Equals(first, method)
                    ? new HandlerParser(known, containing, null, cancellationToken).Run()
                    : null;
            default:
                return null;
        }
    }

    private HandlerClassResult Run()
    {
        var routes = new List<RouteDeclaration>();
        var classOk = CheckClass();

        RouteTemplate? prefix = null;
        var prefixOk = true;
        if (_classAttribute is not null)
        {
            var text = TemplateText(_classAttribute);
            if (!RouteTemplateParser.TryParse(text, out var parsed, out var error))
            {
                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MalformedTemplate, TemplateLocation(_classAttribute), text ?? "", error));
                prefixOk = false;
            }
            else
            {
                prefix = parsed;
            }
        }

        var endpoints = new List<EndpointModel>();
        var classNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (method, attribute) in HandlerMethods())
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var endpoint = ParseEndpoint(method, attribute, prefix, prefixOk, classNames);
            if (endpoint is null)
            {
                continue;
            }
            endpoints.Add(endpoint);
            routes.Add(new RouteDeclaration(
                endpoint.Template.Text,
                endpoint.Template.Shape,
                endpoint.DisplayName,
                LocationInfo.From(TemplateLocation(attribute ?? _classAttribute!))));
        }

        var constructorArguments = classOk ? ParseConstructor() : null;

        HandlerClassModel? model = null;
        if (classOk && constructorArguments is not null && endpoints.Count > 0)
        {
            model = new HandlerClassModel(
                HintName(),
                _type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : "",
                ContainingTypes(),
                Names.FullNoTopAnnotation(_type),
                constructorArguments.ToEquatableArray(),
                DisposeKindOf(),
                endpoints.ToEquatableArray());
        }

        return new HandlerClassResult(model, _types.ToModel(), routes.ToEquatableArray(), _diagnostics.ToEquatableArray());
    }

    // ---- the class ----

    private bool CheckClass()
    {
        var location = KnownTypes.SourceLocation(_type);
        string? reason = null;
        if (_type.TypeKind != TypeKind.Class)
        {
            reason = $"it is {(_type.TypeKind == TypeKind.Interface ? "an interface" : "a " + (_type.IsRecord ? "record struct" : "struct"))}; handlers are methods of a class";
        }
        else if (_type.IsStatic)
        {
            reason = "it is static; a handler instance is created per stream";
        }
        else if (_type.IsAbstract)
        {
            reason = "it is abstract; a handler instance is created per stream";
        }
        else if (_type.Arity > 0)
        {
            reason = "it is generic";
        }
        else if (_type.IsFileLocal)
        {
            reason = "it is file-local, so the generated router cannot reach it";
        }
        else
        {
            for (var t = _type; t is not null; t = t.ContainingType)
            {
                if (!SymbolEqualityComparer.Default.Equals(t, _type) && t.IsGenericType)
                {
                    reason = $"it is nested in the generic type '{t.ToDisplayString(Names.Readable)}'";
                    break;
                }
                if (t.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
                {
                    reason = SymbolEqualityComparer.Default.Equals(t, _type)
                        ? $"it is {SyntaxFacts.GetText(t.DeclaredAccessibility)}, so the generated router cannot reach it; make it internal or public"
                        : $"it is nested in the {SyntaxFacts.GetText(t.DeclaredAccessibility)} type '{t.ToDisplayString(Names.Readable)}', so the generated router cannot reach it";
                    break;
                }
            }
        }
        if (reason is not null)
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidHandlerClass, location, _type.ToDisplayString(Names.Readable), reason));
            return false;
        }

        var ok = true;
        for (var t = _type; t is not null; t = t.ContainingType)
        {
            if (!IsPartial(t))
            {
                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.HandlerClassNotPartial, KnownTypes.SourceLocation(t), t.ToDisplayString(Names.Readable)));
                ok = false;
            }
        }
        return ok;
    }

    private static bool IsPartial(INamedTypeSymbol type)
        => type.DeclaringSyntaxReferences.Length > 0
           && type.DeclaringSyntaxReferences.All(r => r.GetSyntax() is TypeDeclarationSyntax d && d.Modifiers.Any(SyntaxKind.PartialKeyword));

    private EquatableArray<ContainingTypeModel> ContainingTypes()
    {
        var list = new List<ContainingTypeModel>();
        for (var t = _type; t is not null; t = t.ContainingType)
        {
            var keyword = t.TypeKind switch
            {
                TypeKind.Struct => t.IsRecord ? "record struct" : "struct",
                TypeKind.Interface => "interface",
                _ => t.IsRecord ? "record" : "class",
            };
            list.Insert(0, new ContainingTypeModel(keyword, Names.Identifier(t.Name)));
        }
        return list.ToEquatableArray();
    }

    private string HintName() => _type.ToDisplayString(Names.QualifiedName) + ".Endpoints.g.cs";

    /// <summary>How the generated code disposes a handler it created when invoking it failed: as the runtime does on its normal path (StreamHandlerResult), DisposeAsync first when the handler has both.</summary>
    private DisposeKind DisposeKindOf()
    {
        if (_known.AsyncDisposable is not null && _type.AllInterfaces.Contains(_known.AsyncDisposable, SymbolEqualityComparer.Default))
        {
            return DisposeKind.AsyncDisposable;
        }
        if (_known.Disposable is not null && _type.AllInterfaces.Contains(_known.Disposable, SymbolEqualityComparer.Default))
        {
            return DisposeKind.Disposable;
        }
        return DisposeKind.None;
    }

    private List<ArgumentModel>? ParseConstructor()
    {
        var constructors = _type.InstanceConstructors
            .Where(c => !(_type.IsRecord && KnownTypes.IsCopyConstructor(c, _type)))
            .ToList();
        // Public and internal constructors first; private ones still work (the endpoints are nested in the class).
        var accessible = constructors.Where(c => c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal).ToList();
        var pool = accessible.Count > 0 ? accessible : constructors;
        var location = KnownTypes.SourceLocation(_type);
        var name = _type.ToDisplayString(Names.Readable);

        IMethodSymbol? chosen;
        var marked = pool.Where(c => KnownTypes.HasAttribute(c, _known.ActivatorUtilitiesConstructorAttribute)).ToList();
        if (marked.Count == 1)
        {
            chosen = marked[0];
        }
        else if (pool.Count == 0)
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoUsableConstructor, location, name, "it has no instance constructor"));
            return null;
        }
        else
        {
            var most = pool.Max(c => c.Parameters.Length);
            var longest = pool.Where(c => c.Parameters.Length == most).ToList();
            if (longest.Count > 1)
            {
                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoUsableConstructor, location, name,
                    $"it has {longest.Count} constructors with {most} parameters; mark the one to use with [ActivatorUtilitiesConstructor]"));
                return null;
            }
            chosen = longest[0];
        }

        var arguments = new List<ArgumentModel>();
        foreach (var parameter in chosen.Parameters)
        {
            if (parameter.RefKind != RefKind.None)
            {
                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoUsableConstructor, KnownTypes.SourceLocation(parameter) ?? location, name,
                    $"its constructor parameter '{parameter.Name}' is passed by reference"));
                return null;
            }
            arguments.Add(ServiceArgument(parameter, warnSimple: false));
        }
        return arguments;
    }

    // ---- the methods ----

    private IEnumerable<(IMethodSymbol Method, AttributeData? Attribute)> HandlerMethods()
    {
        var marked = new List<(IMethodSymbol, AttributeData?)>();
        foreach (var method in _type.GetMembers().OfType<IMethodSymbol>())
        {
            if (KnownTypes.GetAttribute(method, _known.StreamRouteAttribute) is { } attribute)
            {
                marked.Add((method, attribute));
            }
        }
        if (marked.Count > 0 || _classAttribute is null)
        {
            return marked;
        }

        var candidates = _type.GetMembers().OfType<IMethodSymbol>().Where(IsCandidate).ToList();
        if (candidates.Count == 1)
        {
            return [(candidates[0], null)];
        }
        if (candidates.Count > 1)
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AmbiguousHandlerMethods, KnownTypes.SourceLocation(_type),
                _type.ToDisplayString(Names.Readable), string.Join(", ", candidates.Select(c => c.Name))));
        }
        else
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoHandlerMethod, KnownTypes.SourceLocation(_type),
                _type.ToDisplayString(Names.Readable), TemplateText(_classAttribute) ?? ""));
        }
        return [];
    }

    /// <summary>A public instance method of the class itself that looks like a handler (and is not an interface implementation or override).</summary>
    private bool IsCandidate(IMethodSymbol method)
    {
        if (method.MethodKind != MethodKind.Ordinary || method.IsStatic || method.IsImplicitlyDeclared || method.IsOverride
            || method.DeclaredAccessibility != Accessibility.Public)
        {
            return false;
        }
        foreach (var @interface in _type.AllInterfaces)
        {
            foreach (var member in @interface.GetMembers())
            {
                if (SymbolEqualityComparer.Default.Equals(_type.FindImplementationForInterfaceMember(member), method))
                {
                    return false;
                }
            }
        }
        return ShapeOf(method) is not null;
    }

    private EndpointModel? ParseEndpoint(IMethodSymbol method, AttributeData? attribute, RouteTemplate? prefix, bool prefixOk, HashSet<string> classNames)
    {
        var display = $"{_typeDisplay}.{method.Name}";
        var methodLocation = KnownTypes.SourceLocation(method);

        var template = TemplateOf(attribute, prefix, prefixOk);
        if (template is null)
        {
            return null;
        }
        if (UnsupportedMethodReason(method) is { } methodError)
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedHandlerMethod, methodLocation, display, methodError));
            return null;
        }
        if (ShapeOf(method) is not { } shape)
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedHandlerMethod, ReturnTypeLocation(method) ?? methodLocation, display,
                $"it returns '{method.ReturnType.ToDisplayString(Names.Readable)}'; a handler returns IObservable<T>, Task<T>, ValueTask<T>, Task, ValueTask or void"));
            return null;
        }
        var (interaction, result, payload) = shape;
        if (result != ResultKind.Model && payload is not null && WrappedModelStream(payload) is { } wrapper)
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidModelHandler, ReturnTypeLocation(method) ?? methodLocation, display,
                $"it returns ModelStream<T> inside {wrapper}; return the ModelStream<T> itself (it is already asynchronous)"));
            return null;
        }

        // The parameters.
        var ok = true;
        var routeParameters = template.Segments.Where(s => s.IsParameter).ToList();
        var bound = new bool[routeParameters.Count];
        var arguments = new List<ArgumentModel>();
        var hasRequest = false;
        var inputCount = 0;
        foreach (var parameter in method.Parameters)
        {
            var parameterLocation = KnownTypes.SourceLocation(parameter) ?? methodLocation;
            if (parameter.RefKind != RefKind.None)
            {
                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedHandlerMethod, parameterLocation, display,
                    $"its parameter '{parameter.Name}' is passed by reference (ref, out or in)"));
                ok = false;
                continue;
            }

            var routeIndex = routeParameters.FindIndex(s => string.Equals(s.Value, parameter.Name, StringComparison.OrdinalIgnoreCase));
            if (routeIndex >= 0 && !bound[routeIndex])
            {
                bound[routeIndex] = true;
                var segment = routeParameters[routeIndex];
                if (!IsConstraintType(parameter.Type, segment.Constraint))
                {
                    _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.RouteParameterTypeMismatch, parameterLocation,
                        parameter.Name, "{" + segment.Value + RouteTemplate.ConstraintSuffix(segment.Constraint) + "}",
                        RouteTemplate.ConstraintType(segment.Constraint), parameter.Type.ToDisplayString(Names.Readable)));
                    ok = false;
                    continue;
                }
                arguments.Add(new ArgumentModel(ArgumentKind.RouteValue, Names.FullNoTopAnnotation(parameter.Type), routeIndex, segment.Constraint));
                continue;
            }
            if (StreamArgument(parameter.Type) is { } streamArgument)
            {
                arguments.Add(streamArgument);
                continue;
            }
            if (KnownTypes.Is(parameter.Type, _known.Observable))
            {
                if (interaction != InteractionKind.Duplex)
                {
                    _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedHandlerMethod, parameterLocation, display,
                        $"its parameter '{parameter.Name}' is an IObservable<T> input, which only handlers returning IObservable<T> (duplex) can take"));
                    ok = false;
                    continue;
                }
                if (++inputCount > 1)
                {
                    _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedHandlerMethod, parameterLocation, display,
                        "it has more than one IObservable<T> parameter; a duplex handler has exactly one input"));
                    ok = false;
                    continue;
                }
                var inputType = ((INamedTypeSymbol)parameter.Type).TypeArguments[0];
                var isEdits = KnownTypes.Is(inputType, _known.ModelEdit);
                if (result == ResultKind.Model && !isEdits)
                {
                    _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidModelHandler, parameterLocation, display,
                        $"its input '{parameter.Name}' is {parameter.Type.ToDisplayString(Names.Readable)}; a model handler's input is IObservable<ModelEdit<TEdit>>, the client's edits"));
                    ok = false;
                    continue;
                }
                if (isEdits)
                {
                    var editType = ((INamedTypeSymbol)inputType).TypeArguments[0];
                    if (result != ResultKind.Model)
                    {
                        _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelEditsWithoutModel, parameterLocation, display, editType.ToDisplayString(Names.Readable)));
                        ok = false;
                        continue;
                    }
                    ok &= _types.AddRoot(editType, parameterLocation);
                    arguments.Add(ArgumentModel.Of(ArgumentKind.ModelEdits, Names.FullNoTopAnnotation(editType)));
                    continue;
                }
                ok &= _types.AddRoot(inputType, parameterLocation);
                arguments.Add(ArgumentModel.Of(ArgumentKind.Input, Names.FullNoTopAnnotation(inputType)));
                continue;
            }
            if (interaction is InteractionKind.RequestResponse or InteractionKind.FireAndForget && !hasRequest)
            {
                hasRequest = true;
                ok &= _types.AddRoot(parameter.Type, parameterLocation);
                arguments.Add(ArgumentModel.Of(ArgumentKind.Request, Names.FullNoTopAnnotation(parameter.Type)));
                continue;
            }
            arguments.Add(ServiceArgument(parameter, warnSimple: true));
        }

        if (interaction is InteractionKind.RequestResponse or InteractionKind.FireAndForget && !hasRequest)
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingRequestParameter, methodLocation, display,
                interaction == InteractionKind.RequestResponse ? "request/response" : "fire-and-forget"));
            ok = false;
        }
        for (var i = 0; i < routeParameters.Count; i++)
        {
            if (!bound[i])
            {
                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.RouteParameterNotBound, methodLocation, routeParameters[i].Value, template.Text, display));
                ok = false;
            }
        }
        if (payload is not null)
        {
            ok &= _types.AddRoot(payload, ReturnTypeLocation(method) ?? methodLocation);
        }
        if (!ok)
        {
            return null;
        }

        var className = "RxStreams" + method.Name + "Endpoint";
        for (var n = 2; !classNames.Add(className); n++)
        {
            className = "RxStreams" + method.Name + "Endpoint" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return new EndpointModel(
            className,
            Names.Identifier(method.Name),
            template,
            interaction,
            result,
            payload is null ? null : Names.Full(payload),
            arguments.ToEquatableArray(),
            Metadata(method).ToEquatableArray(),
            display);
    }

    /// <summary>The class prefix joined with the method's own template (an empty method template means the prefix alone); null after reporting RXS0001.</summary>
    private RouteTemplate? TemplateOf(AttributeData? attribute, RouteTemplate? prefix, bool prefixOk)
    {
        RouteTemplate? own = null;
        if (attribute is not null)
        {
            var text = TemplateText(attribute);
            var meansClassTemplate = text == "" && _classAttribute is not null;
            if (!meansClassTemplate)
            {
                if (!RouteTemplateParser.TryParse(text, out var parsed, out var error))
                {
                    _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MalformedTemplate, TemplateLocation(attribute), text ?? "", error));
                    return null;
                }
                own = parsed;
            }
        }
        if (!prefixOk)
        {
            return null;
        }
        if (!RouteTemplateParser.TryCombine(prefix, own, out var template, out var combineError))
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MalformedTemplate, TemplateLocation(attribute ?? _classAttribute!), template.Text, combineError));
            return null;
        }
        return template;
    }

    /// <summary>Why the method cannot be a handler whatever it returns (RXS0005), or null.</summary>
    private static string? UnsupportedMethodReason(IMethodSymbol method)
    {
        if (method.MethodKind != MethodKind.Ordinary)
        {
            return "only ordinary methods can be handlers";
        }
        if (method.IsStatic)
        {
            return "it is static; handlers are instance methods (the handler is created per stream)";
        }
        if (method.IsGenericMethod)
        {
            return "it is generic";
        }
        if (method.IsAbstract)
        {
            return "it is abstract";
        }
        if (method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            return "it returns by reference";
        }
        if (method.IsAsync && method.ReturnsVoid)
        {
            return "it is async void: return Task instead, so that its completion and failure reach the client";
        }
        return null;
    }

    /// <summary>The interaction, result and payload type that the method's return type makes; null when no handler returns that.</summary>
    private (InteractionKind Interaction, ResultKind Result, ITypeSymbol? Payload)? ShapeOf(IMethodSymbol method)
    {
        var returnType = method.ReturnType;
        if (method.ReturnsVoid)
        {
            return (InteractionKind.FireAndForget, ResultKind.Void, null);
        }
        if (KnownTypes.Is(returnType, _known.Task))
        {
            return (InteractionKind.FireAndForget, ResultKind.Task, null);
        }
        if (KnownTypes.Is(returnType, _known.ValueTask))
        {
            return (InteractionKind.FireAndForget, ResultKind.ValueTask, null);
        }
        if (KnownTypes.Is(returnType, _known.ModelStream))
        {
            var edits = method.Parameters.Any(p => KnownTypes.Is(p.Type, _known.Observable)) ? InteractionKind.Duplex : InteractionKind.Subscription;
            return (edits, ResultKind.Model, ((INamedTypeSymbol)returnType).TypeArguments[0]);
        }
        if (KnownTypes.Is(returnType, _known.TaskOfT))
        {
            return (InteractionKind.RequestResponse, ResultKind.TaskOfT, ((INamedTypeSymbol)returnType).TypeArguments[0]);
        }
        if (KnownTypes.Is(returnType, _known.ValueTaskOfT))
        {
            return (InteractionKind.RequestResponse, ResultKind.ValueTaskOfT, ((INamedTypeSymbol)returnType).TypeArguments[0]);
        }
        if (ObservableElement(returnType) is not { } element)
        {
            return null;
        }
        var interaction = method.Parameters.Any(p => KnownTypes.Is(p.Type, _known.Observable)) ? InteractionKind.Duplex : InteractionKind.Subscription;
        return KnownTypes.Is(element, _known.StreamItem)
            ? (interaction, ResultKind.StreamItems, ((INamedTypeSymbol)element).TypeArguments[0])
            : (interaction, ResultKind.Observable, element);
    }

    /// <summary>A description of the wrapper when <paramref name="payload"/> (what a Task or observable result carries) is a ModelStream&lt;T&gt;, else null.</summary>
    private string? WrappedModelStream(ITypeSymbol payload)
        => KnownTypes.Is(payload, _known.ModelStream) ? "a Task, ValueTask or IObservable" : null;

    /// <summary>The stream's own arguments, which bind by type wherever they are: StreamContext and CancellationToken.</summary>
    private ArgumentModel? StreamArgument(ITypeSymbol type)
        => KnownTypes.Is(type, _known.StreamContext) ? ArgumentModel.Of(ArgumentKind.Context, Names.FullNoTopAnnotation(type))
            : KnownTypes.Is(type, _known.CancellationToken) ? ArgumentModel.Of(ArgumentKind.CancellationToken, Names.FullNoTopAnnotation(type))
            : null;

    private ArgumentModel ServiceArgument(IParameterSymbol parameter, bool warnSimple)
    {
        var type = parameter.Type;
        if (StreamArgument(type) is { } streamArgument)
        {
            return streamArgument;
        }
        if (KnownTypes.Is(type, _known.ServiceProvider))
        {
            return ArgumentModel.Of(ArgumentKind.ServiceProvider, Names.FullNoTopAnnotation(type));
        }
        if (warnSimple && IsSimple(type))
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SimpleTypeService, KnownTypes.SourceLocation(parameter), parameter.Name, type.ToDisplayString(Names.Readable)));
        }
        var isNullableValue = type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;
        var optional = parameter.HasExplicitDefaultValue || isNullableValue
                       || (type.IsReferenceType && parameter.NullableAnnotation == NullableAnnotation.Annotated);
        var serviceType = isNullableValue ? ((INamedTypeSymbol)type).TypeArguments[0] : type;
        return ArgumentModel.Of(optional ? ArgumentKind.OptionalService : ArgumentKind.Service, Names.FullNoTopAnnotation(serviceType));
    }

    private bool IsSimple(ITypeSymbol type)
    {
        if (type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
        {
            type = ((INamedTypeSymbol)type).TypeArguments[0];
        }
        return type.SpecialType is >= SpecialType.System_Boolean and <= SpecialType.System_String
               || KnownTypes.Is(type, _known.Guid) || type.TypeKind == TypeKind.Enum;
    }

    private bool IsConstraintType(ITypeSymbol type, RouteConstraint constraint) => constraint switch
    {
        RouteConstraint.Int => type.SpecialType == SpecialType.System_Int32,
        RouteConstraint.Long => type.SpecialType == SpecialType.System_Int64,
        RouteConstraint.Bool => type.SpecialType == SpecialType.System_Boolean,
        RouteConstraint.Guid => KnownTypes.Is(type, _known.Guid),
        _ => type.SpecialType == SpecialType.System_String,
    };

    /// <summary>T when <paramref name="type"/> is, or implements exactly one, IObservable&lt;T&gt;.</summary>
    private ITypeSymbol? ObservableElement(ITypeSymbol type)
    {
        if (_known.Observable is null)
        {
            return null;
        }
        if (KnownTypes.Is(type, _known.Observable))
        {
            return ((INamedTypeSymbol)type).TypeArguments[0];
        }
        var implemented = type.AllInterfaces.Where(i => KnownTypes.Is(i, _known.Observable)).ToList();
        return implemented.Count == 1 ? implemented[0].TypeArguments[0] : null;
    }

    /// <summary>The class's then the method's attributes that ASP.NET Core authorization acts on, as C# expressions.</summary>
    private IEnumerable<string> Metadata(IMethodSymbol method)
    {
        foreach (var attribute in _type.GetAttributes().Concat(method.GetAttributes()))
        {
            var attributeClass = attribute.AttributeClass;
            if (attributeClass is null || attributeClass.IsGenericType
                || !attributeClass.AllInterfaces.Any(i => i.ToDisplayString() is AuthorizeData or AllowAnonymous)
                || !_known.Compilation.IsSymbolAccessibleWithin(attributeClass, _known.Compilation.Assembly))
            {
                continue;
            }
            var arguments = attribute.ConstructorArguments.Select(Literals.From).ToList();
            var named = attribute.NamedArguments.Select(n => (n.Key, Value: Literals.From(n.Value))).ToList();
            if (arguments.Any(a => a is null) || named.Any(n => n.Value is null))
            {
                continue;
            }
            var expression = $"new {Names.FullNoTopAnnotation(attributeClass)}({string.Join(", ", arguments)})";
            if (named.Count > 0)
            {
                expression += " { " + string.Join(", ", named.Select(n => $"{Names.Identifier(n.Key)} = {n.Value}")) + " }";
            }
            yield return expression;
        }
    }

    // ---- locations ----

    private static string? TemplateText(AttributeData attribute)
        => attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Kind == TypedConstantKind.Primitive
            ? attribute.ConstructorArguments[0].Value as string
            : null;

    /// <summary>The template argument of a [StreamRoute], or the attribute itself.</summary>
    private static Location? TemplateLocation(AttributeData attribute)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax syntax)
        {
            return syntax.ArgumentList is { Arguments.Count: > 0 } list ? list.Arguments[0].GetLocation() : syntax.GetLocation();
        }
        return null;
    }

    private static Location? ReturnTypeLocation(IMethodSymbol method)
        => method.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<MethodDeclarationSyntax>().FirstOrDefault()?.ReturnType.GetLocation();
}
