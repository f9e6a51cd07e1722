namespace RxStreams.Generators.Model;

/// <summary>What parsing one handler class gives: the model to emit (null when it has errors), its message types, its routes and its diagnostics.</summary>
internal sealed record HandlerClassResult(
    HandlerClassModel? Model,
    TypeSetModel Types,
    EquatableArray<RouteDeclaration> Routes,
    EquatableArray<DiagnosticInfo> Diagnostics);
