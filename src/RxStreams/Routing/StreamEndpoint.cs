using System.ComponentModel;

namespace RxStreams.Routing;

/// <summary>
/// One handler method behind a route template. The source generator emits one sealed subclass per handler method,
/// whose <see cref="Invoke"/> creates the handler through DI with generated code and calls the method.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class StreamEndpoint
{
    /// <summary>Creates the endpoint's description.</summary>
    /// <param name="template">The full route template (class prefix and method template joined).</param>
    /// <param name="interaction">The method's shape.</param>
    /// <param name="isResumable">True when the method returns <c>IObservable&lt;StreamItem&lt;T&gt;&gt;</c>.</param>
    /// <param name="parameterNames">The template's parameter names, in order.</param>
    /// <param name="metadata">Attributes of the class then of the method that hosts act on (<c>[Authorize]</c>, <c>[AllowAnonymous]</c>).</param>
    /// <param name="displayName">The handler, as <c>Type.Method</c>, for logs and errors.</param>
    protected StreamEndpoint(string template, StreamInteraction interaction, bool isResumable, IReadOnlyList<string> parameterNames, IReadOnlyList<object> metadata, string displayName)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(parameterNames);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(displayName);
        Template = template;
        Interaction = interaction;
        IsResumable = isResumable;
        ParameterNames = parameterNames;
        Metadata = metadata;
        DisplayName = displayName;
    }

    /// <summary>The full route template.</summary>
    public string Template { get; }

    /// <summary>The method's shape.</summary>
    public StreamInteraction Interaction { get; }

    /// <summary>True when items carry offsets and a reconnecting client resumes after the last one it saw.</summary>
    public bool IsResumable { get; }

    /// <summary>The template's parameter names, in order.</summary>
    public IReadOnlyList<string> ParameterNames { get; }

    /// <summary>Attributes of the class then of the method that hosts act on.</summary>
    public IReadOnlyList<object> Metadata { get; }

    /// <summary>The handler, as <c>Type.Method</c>.</summary>
    public string DisplayName { get; }

    /// <summary>Creates the handler and calls the method.</summary>
    public abstract StreamHandlerResult Invoke(StreamInvocation invocation);

    /// <inheritdoc />
    public override string ToString() => $"{Template} → {DisplayName}";
}
