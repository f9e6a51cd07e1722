namespace RxStreams.Generators.Model;

/// <summary>The message types one source (a handler class, a [StreamMessage] type) needs: the named types and the payload types.</summary>
internal sealed record TypeSetModel(EquatableArray<NamedTypeModel> NamedTypes, EquatableArray<TypeModel> Roots);
