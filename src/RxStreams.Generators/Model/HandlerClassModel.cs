namespace RxStreams.Generators.Model;

/// <summary>Everything needed to emit the endpoints of one handler class (no locations: edits that only move code keep it equal).</summary>
internal sealed record HandlerClassModel(
    string HintName,
    string Namespace,
    EquatableArray<ContainingTypeModel> Types,
    string FullName,
    EquatableArray<ArgumentModel> ConstructorArguments,
    DisposeKind Dispose,
    EquatableArray<EndpointModel> Endpoints);
