namespace RxStreams.Generators.Model;

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
