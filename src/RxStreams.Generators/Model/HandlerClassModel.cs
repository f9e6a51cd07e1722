namespace RxStreams.Generators.Model;

/// <summary>How a disposable handler is released when its invocation throws before a result exists.</summary>
internal enum DisposeKind
{
    None,
    Disposable,
    AsyncDisposable,
}

/// <summary>A type declaration to reopen as partial: the handler class and each type containing it.</summary>
internal sealed record ContainingTypeModel(string Keyword, string Name);

/// <summary>Everything needed to emit the endpoints of one handler class (no locations: edits that only move code keep it equal).</summary>
internal sealed record HandlerClassModel(
    string HintName,
    string Namespace,
    EquatableArray<ContainingTypeModel> Types,
    string FullName,
    EquatableArray<ArgumentModel> ConstructorArguments,
    DisposeKind Dispose,
    EquatableArray<EndpointModel> Endpoints);
