using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using RxStreams.Generators.Helpers;
using RxStreams.Generators.Model;

namespace RxStreams.Generators.Emitting;

/// <summary>
/// Emits one file per handler class: a sealed StreamEndpoint subclass per handler method, nested in the (partial)
/// handler class so that it can call any of its constructors.
/// </summary>
internal static class EndpointEmitter
{
    private const string Serializer = "global::RxStreams.Serialization.StreamSerializer";
    private const string Result = "global::RxStreams.Routing.StreamHandlerResult";

    public static void Emit(SourceProductionContext context, HandlerClassModel model) => context.AddSource(model.HintName, Generate(model));

    public static string Generate(HandlerClassModel model)
    {
        var writer = new SourceWriter();
        EmitterHelpers.WriteHeader(writer);
        if (model.Namespace.Length > 0)
        {
            writer.WriteLine("namespace " + model.Namespace);
            writer.OpenBlock();
        }
        foreach (var type in model.Types)
        {
            writer.WriteLine($"partial {type.Keyword} {type.Name}");
            writer.OpenBlock();
        }

        for (var i = 0; i < model.Endpoints.Count; i++)
        {
            if (i > 0)
            {
                writer.WriteLine();
            }
            WriteEndpoint(writer, model, model.Endpoints[i]);
        }

        foreach (var _ in model.Types)
        {
            writer.CloseBlock();
        }
        if (model.Namespace.Length > 0)
        {
            writer.CloseBlock();
        }
        return writer.ToString();
    }

    private static void WriteEndpoint(SourceWriter writer, HandlerClassModel model, EndpointModel endpoint)
    {
        writer.WriteLine($"/// <summary>The stream endpoint <c>{Names.XmlEscape(endpoint.Template.Text)}</c>, served by <c>{Names.XmlEscape(endpoint.DisplayName)}</c>.</summary>");
        writer.WriteLine("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        writer.WriteLine($"internal sealed class {endpoint.ClassName} : global::RxStreams.Routing.StreamEndpoint");
        writer.OpenBlock();

        var parameterNames = endpoint.Template.ParameterNames;
        writer.WriteLine("/// <summary>Creates the endpoint.</summary>");
        writer.WriteLine($"public {endpoint.ClassName}()");
        writer.Indent();
        EmitterHelpers.WriteCall(writer, ": base", new[]
        {
            Names.Literal(endpoint.Template.Text),
            "global::RxStreams.Routing.StreamInteraction." + endpoint.Interaction,
            endpoint.Result is ResultKind.StreamItems or ResultKind.Model ? "true" : "false",
            parameterNames.Length == 0
                ? "global::System.Array.Empty<string>()"
                : "new string[] { " + string.Join(", ", parameterNames.Select(Names.Literal)) + " }",
            endpoint.Metadata.Count == 0
                ? "global::System.Array.Empty<object>()"
                : "new object[] { " + string.Join(", ", endpoint.Metadata) + " }",
            Names.Literal(endpoint.DisplayName),
        }, "");
        writer.Unindent();
        writer.OpenBlock();
        writer.CloseBlock();
        writer.WriteLine();

        writer.WriteLine("/// <inheritdoc />");
        writer.WriteLine("public override global::RxStreams.Routing.StreamHandlerResult Invoke(global::RxStreams.Routing.StreamInvocation invocation)");
        writer.OpenBlock();
        writer.WriteLine("global::System.ArgumentNullException.ThrowIfNull(invocation);");
        EmitterHelpers.WriteCall(writer, $"var handler = new {model.FullName}", model.ConstructorArguments.Select(Argument).ToList(), ";");

        var guarded = model.Dispose != DisposeKind.None;
        if (guarded)
        {
            writer.WriteLine("try");
            writer.OpenBlock();
        }

        var call = "handler." + endpoint.MethodName;
        EmitterHelpers.WriteCall(writer, endpoint.Result == ResultKind.Void ? call : "var result = " + call, endpoint.Arguments.Select(Argument).ToList(), ";");
        writer.WriteLine($"return {Result}.{ResultFactory(endpoint)}.Owning(handler);");

        if (guarded)
        {
            writer.CloseBlock();
            writer.WriteLine("catch");
            writer.OpenBlock();
            writer.WriteLine("// The stream never started: release the handler here, as the result would have.");
            writer.WriteLine(model.Dispose == DisposeKind.Disposable
                ? "((global::System.IDisposable)handler).Dispose();"
                : "_ = ((global::System.IAsyncDisposable)handler).DisposeAsync().AsTask();");
            writer.WriteLine("throw;");
            writer.CloseBlock();
        }

        writer.CloseBlock();
        writer.CloseBlock();
    }

    /// <summary>The StreamHandlerResult factory call that wraps <c>result</c> (a null task or observable is the handler's bug, said by name).</summary>
    private static string ResultFactory(EndpointModel endpoint)
    {
        var payload = endpoint.PayloadType;
        var serializer = $"{Serializer}.Get<{payload}>()";
        var notNull = $"result ?? throw new global::System.InvalidOperationException({Names.Literal(endpoint.DisplayName + " returned null.")})";
        return endpoint.Result switch
        {
            ResultKind.Void => "Completed()",
            ResultKind.Task => $"FromTask({notNull})",
            ResultKind.ValueTask => "FromValueTask(result)",
            ResultKind.TaskOfT => $"FromTask<{payload}>({notNull}, {serializer})",
            ResultKind.ValueTaskOfT => $"FromValueTask<{payload}>(result, {serializer})",
            ResultKind.Observable => $"FromObservable<{payload}>({notNull}, {serializer})",
            ResultKind.StreamItems => $"FromStreamItems<{payload}>({notNull}, {serializer})",
            ResultKind.Model => $"FromModel<{payload}>({notNull})",
            _ => throw new System.ArgumentOutOfRangeException(nameof(endpoint), endpoint.Result, "Unknown result kind."),
        };
    }

    private static string Argument(ArgumentModel argument) => argument.Kind switch
    {
        ArgumentKind.RouteValue => argument.Constraint switch
        {
            RouteConstraint.Int => $"invocation.GetInt32({argument.RouteIndex})",
            RouteConstraint.Long => $"invocation.GetInt64({argument.RouteIndex})",
            RouteConstraint.Guid => $"invocation.GetGuid({argument.RouteIndex})",
            RouteConstraint.Bool => $"invocation.GetBoolean({argument.RouteIndex})",
            _ => $"invocation.GetString({argument.RouteIndex})",
        },
        ArgumentKind.Context => "invocation.Context",
        ArgumentKind.CancellationToken => "invocation.Context.Aborted",
        ArgumentKind.ServiceProvider => "invocation.Context.Services",
        ArgumentKind.Service => $"invocation.GetService<{argument.Type}>()",
        ArgumentKind.OptionalService => $"({argument.Type}?)invocation.Context.Services.GetService(typeof({argument.Type}))",
        ArgumentKind.Input => $"invocation.GetInput({Serializer}.Get<{argument.Type}>())",
        ArgumentKind.Request => $"invocation.GetRequest({Serializer}.Get<{argument.Type}>())",
        ArgumentKind.ModelEdits => $"invocation.GetModelEdits({Serializer}.Get<{argument.Type}>())",
        _ => "default!",
    };
}
