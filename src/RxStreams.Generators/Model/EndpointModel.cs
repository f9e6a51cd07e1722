namespace RxStreams.Generators.Model;

/// <summary>The handler's shape; the names match RxStreams.Routing.StreamInteraction.</summary>
internal enum InteractionKind
{
    Duplex,
    Subscription,
    RequestResponse,
    FireAndForget,
}

/// <summary>What the handler method returns, which picks the StreamHandlerResult factory.</summary>
internal enum ResultKind
{
    Observable,
    StreamItems,
    TaskOfT,
    ValueTaskOfT,
    Task,
    ValueTask,
    Void,
}

/// <summary>One handler method and the endpoint class emitted for it.</summary>
internal sealed record EndpointModel(
    string ClassName,
    string MethodName,
    RouteTemplate Template,
    InteractionKind Interaction,
    ResultKind Result,
    string? PayloadType,
    EquatableArray<ArgumentModel> Arguments,
    EquatableArray<string> Metadata,
    string DisplayName);
