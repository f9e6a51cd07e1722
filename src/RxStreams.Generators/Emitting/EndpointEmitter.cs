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
            endpoint.Result == ResultKind.StreamItems ? "true" : "false",
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

        var arguments = endpoint.Arguments.Select(Argument).ToList();
        var call = "handler." + endpoint.MethodName;
        var nullMessage = Names.Literal(endpoint.DisplayName + " returned null.");
        var notNull = $"result ?? throw new global::System.InvalidOperationException({nullMessage})";
        var payload = endpoint.PayloadType;
        switch (endpoint.Result)
        {
            case ResultKind.Void:
                EmitterHelpers.WriteCall(writer, call, arguments, ";");
                writer.WriteLine($"return {Result}.Completed().Owning(handler);");
                break;
            case ResultKind.Task:
                EmitterHelpers.WriteCall(writer, "var result = " + call, arguments, ";");
                writer.WriteLine($"return {Result}.FromTask({notNull}).Owning(handler);");
                break;
            case ResultKind.ValueTask:
                EmitterHelpers.WriteCall(writer, "var result = " + call, arguments, ";");
                writer.WriteLine($"return {Result}.FromValueTask(result).Owning(handler);");
                break;
            case ResultKind.TaskOfT:
                EmitterHelpers.WriteCall(writer, "var result = " + call, arguments, ";");
                writer.WriteLine($"return {Result}.FromTask<{payload}>({notNull}, {Serializer}.Get<{payload}>()).Owning(handler);");
                break;
            case ResultKind.ValueTaskOfT:
                EmitterHelpers.WriteCall(writer, "var result = " + call, arguments, ";");
                writer.WriteLine($"return {Result}.FromValueTask<{payload}>(result, {Serializer}.Get<{payload}>()).Owning(handler);");
                break;
            case ResultKind.Observable:
                EmitterHelpers.WriteCall(writer, "var result = " + call, arguments, ";");
                writer.WriteLine($"return {Result}.FromObservable<{payload}>({notNull}, {Serializer}.Get<{payload}>()).Owning(handler);");
                break;
            case ResultKind.StreamItems:
                EmitterHelpers.WriteCall(writer, "var result = " + call, arguments, ";");
                writer.WriteLine($"return {Result}.FromStreamItems<{payload}>({notNull}, {Serializer}.Get<{payload}>()).Owning(handler);");
                break;
        }

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
        _ => "default!",
    };
}
