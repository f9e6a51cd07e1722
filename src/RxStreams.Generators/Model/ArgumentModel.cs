namespace RxStreams.Generators.Model;

/// <summary>Where the generated code gets an argument of a handler method or constructor.</summary>
internal enum ArgumentKind
{
    /// <summary>A route value: <c>invocation.GetString(i)</c>, <c>GetInt32(i)</c> …</summary>
    RouteValue,

    /// <summary><c>invocation.Context</c>.</summary>
    Context,

    /// <summary><c>invocation.Context.Aborted</c>.</summary>
    CancellationToken,

    /// <summary><c>invocation.Context.Services</c>.</summary>
    ServiceProvider,

    /// <summary><c>invocation.GetService&lt;T&gt;()</c>: fails when missing.</summary>
    Service,

    /// <summary>A nullable or defaulted parameter: the service or null.</summary>
    OptionalService,

    /// <summary><c>invocation.GetInput(serializer)</c>.</summary>
    Input,

    /// <summary><c>invocation.GetRequest(serializer)</c>.</summary>
    Request,

    /// <summary><c>invocation.GetModelEdits(serializer)</c>: a model handler's input (the type is the edit's).</summary>
    ModelEdits,
}

/// <summary>One argument: its source, its type (global::-qualified) and, for route values, index and constraint.</summary>
internal sealed record ArgumentModel(ArgumentKind Kind, string Type, int RouteIndex, RouteConstraint Constraint)
{
    public static ArgumentModel Of(ArgumentKind kind, string type) => new(kind, type, -1, RouteConstraint.None);
}
