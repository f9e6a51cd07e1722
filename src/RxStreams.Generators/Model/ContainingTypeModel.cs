namespace RxStreams.Generators.Model;

/// <summary>A type declaration to reopen as partial: the handler class and each type containing it.</summary>
internal sealed record ContainingTypeModel(string Keyword, string Name);
