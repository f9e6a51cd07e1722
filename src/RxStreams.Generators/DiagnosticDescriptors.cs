using Microsoft.CodeAnalysis;

namespace RxStreams.Generators;

/// <summary>
/// Every diagnostic the RxStreams generator reports. The IDs are stable: never reuse or renumber one
/// (AnalyzerReleases.Shipped.md / Unshipped.md track them; docs/generator.md documents each).
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string RoutingCategory = "RxStreams.Routing";
    private const string HandlersCategory = "RxStreams.Handlers";
    private const string SerializationCategory = "RxStreams.Serialization";

    /// <summary>RXS0001: the template is not a valid route template.</summary>
    public static readonly DiagnosticDescriptor MalformedTemplate = new(
        id: "RXS0001",
        title: "Malformed route template",
        messageFormat: "The route template '{0}' is invalid: {1}",
        category: RoutingCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Route templates are '/'-separated segments; a segment is a literal or one parameter such as {room} or {id:int} (constraints: int, long, guid, bool).");

    /// <summary>RXS0002: two handlers have routes of the same shape.</summary>
    public static readonly DiagnosticDescriptor DuplicateRoute = new(
        id: "RXS0002",
        title: "Duplicate stream route",
        messageFormat: "The route '{0}' of '{1}' matches the same streams as the route '{2}' of '{3}'",
        category: RoutingCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Two templates with the same literals and the same parameter types in the same places (names do not count) match the same routes.");

    /// <summary>RXS0003: a template parameter has no method parameter.</summary>
    public static readonly DiagnosticDescriptor RouteParameterNotBound = new(
        id: "RXS0003",
        title: "Route parameter missing from the handler method",
        messageFormat: "The route parameter '{0}' of '{1}' has no parameter of the same name in '{2}'",
        category: RoutingCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Every parameter of a handler's template (class prefix included) binds to a method parameter of the same name (case-insensitive).");

    /// <summary>RXS0004: the method parameter bound to a route value has the wrong type.</summary>
    public static readonly DiagnosticDescriptor RouteParameterTypeMismatch = new(
        id: "RXS0004",
        title: "Route parameter of the wrong type",
        messageFormat: "The parameter '{0}' binds the route value '{1}' and must be of type '{2}', not '{3}'",
        category: RoutingCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "{x} binds a string, {x:int} an int, {x:long} a long, {x:guid} a Guid and {x:bool} a bool.");

    /// <summary>RXS0005: the method cannot be a stream handler.</summary>
    public static readonly DiagnosticDescriptor UnsupportedHandlerMethod = new(
        id: "RXS0005",
        title: "Unsupported stream handler method",
        messageFormat: "'{0}' cannot be a stream handler: {1}",
        category: HandlersCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A handler is a non-generic instance method returning IObservable<T> (duplex with one IObservable<T> parameter, otherwise subscription), Task<T>/ValueTask<T> (request/response) or Task/ValueTask/void (fire-and-forget), without ref/out/in parameters.");

    /// <summary>RXS0006: a message type, or one of its members, cannot be serialized.</summary>
    public static readonly DiagnosticDescriptor TypeNotSerializable = new(
        id: "RXS0006",
        title: "Type cannot be serialized",
        messageFormat: "The message type '{0}' cannot be serialized: {1}",
        category: SerializationCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Message types are non-generic records, classes or structs whose public properties have supported types: primitives, string, enums, Guid, DateTime, DateTimeOffset, TimeSpan, DateOnly, TimeOnly, byte[], JsonElement, nullable values, arrays, lists, dictionaries with string keys and other message types.");

    /// <summary>RXS0007: a handler class (or a type containing one) is not partial.</summary>
    public static readonly DiagnosticDescriptor HandlerClassNotPartial = new(
        id: "RXS0007",
        title: "Stream handler class must be partial",
        messageFormat: "'{0}' must be declared partial: the generator adds the stream endpoints of its handlers to it",
        category: HandlersCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The generated endpoint classes are nested in the handler class, which lets them call its constructors whatever their accessibility. The class, and every type containing it, must be partial.");

    /// <summary>RXS0008: the class cannot hold stream handlers.</summary>
    public static readonly DiagnosticDescriptor InvalidHandlerClass = new(
        id: "RXS0008",
        title: "Invalid stream handler class",
        messageFormat: "'{0}' cannot hold stream handlers: {1}",
        category: HandlersCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A handler class is a non-abstract, non-static, non-generic class, not nested in a generic type, and accessible from the rest of its assembly (not private, protected or file-local).");

    /// <summary>RXS0009: a routed class has several public methods and none is marked.</summary>
    public static readonly DiagnosticDescriptor AmbiguousHandlerMethods = new(
        id: "RXS0009",
        title: "Several candidate handler methods",
        messageFormat: "'{0}' has a route template and several public methods that could handle it ({1}): mark each handler method with [StreamRoute]",
        category: HandlersCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A class-level template goes to the class's only public handler-shaped method. With several, say which are handlers by giving each its own [StreamRoute] (an empty template means the class template itself).");

    /// <summary>RXS0010: a routed class has no handler method.</summary>
    public static readonly DiagnosticDescriptor NoHandlerMethod = new(
        id: "RXS0010",
        title: "Routed class without a handler method",
        messageFormat: "'{0}' has the route template '{1}' but no public method that can handle it",
        category: HandlersCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A class-level [StreamRoute] needs a public handler method (or methods marked with [StreamRoute]); otherwise the template serves nothing.");

    /// <summary>RXS0011: the handler class has no constructor the generated code can call.</summary>
    public static readonly DiagnosticDescriptor NoUsableConstructor = new(
        id: "RXS0011",
        title: "No usable constructor",
        messageFormat: "'{0}' has no constructor the generator can use: {1}",
        category: HandlersCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The handler is created per stream with its public or internal constructor with the most parameters (or the one marked [ActivatorUtilitiesConstructor]), each parameter resolved from the stream's services.");

    /// <summary>RXS0012: a request/response or fire-and-forget handler has no request parameter.</summary>
    public static readonly DiagnosticDescriptor MissingRequestParameter = new(
        id: "RXS0012",
        title: "Missing request parameter",
        messageFormat: "'{0}' is a {1} handler and needs a request parameter (the message the client sends), after any route values",
        category: HandlersCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "For Task<T>/ValueTask<T> and Task/ValueTask/void handlers, the first parameter that is not a route value, StreamContext or CancellationToken is the request.");

    /// <summary>RXS0013: a parameter of a simple type is resolved from DI, which is probably a mistake.</summary>
    public static readonly DiagnosticDescriptor SimpleTypeService = new(
        id: "RXS0013",
        title: "Service parameter of a simple type",
        messageFormat: "The parameter '{0}' of type '{1}' is resolved as a service; if it is meant to be a route value, add '{{{0}}}' to the template",
        category: HandlersCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Parameters that are neither route values, the request, the input, StreamContext nor CancellationToken come from dependency injection. A string or number there is usually a misspelled route parameter.");

    /// <summary>RXS0014: a handler returning ModelStream&lt;T&gt; is shaped wrong.</summary>
    public static readonly DiagnosticDescriptor InvalidModelHandler = new(
        id: "RXS0014",
        title: "Invalid model handler",
        messageFormat: "'{0}' is not a valid model handler: {1}",
        category: HandlersCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A model handler returns ModelStream<TState> itself (not in a Task or an IObservable) and takes, besides route values, StreamContext, CancellationToken and services, at most one input: IObservable<ModelEdit<TEdit>>, the client's edits.");

    /// <summary>RXS0015: model edits as the input of a handler that does not return a model stream.</summary>
    public static readonly DiagnosticDescriptor ModelEditsWithoutModel = new(
        id: "RXS0015",
        title: "Model edits on a handler that is not a model handler",
        messageFormat: "'{0}' takes IObservable<ModelEdit<{1}>> but does not return ModelStream<T>; only a model handler receives edits",
        category: HandlersCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "ModelEdit<T> carries a client's write to a model and its answer; it only exists on streams of handlers that return ModelStream<TState>. Return the model's Serve(...) or take IObservable<T> instead.");
}
