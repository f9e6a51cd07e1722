namespace RxStreams.Generators.Model;

/// <summary>What parsing one [StreamMessage] type gives.</summary>
internal sealed record MessageTypeResult(TypeSetModel Types, EquatableArray<DiagnosticInfo> Diagnostics);
