namespace RxStreams.Generators.Model;

/// <summary>One serializer file.</summary>
/// <param name="ContainerClass">The registration class the serializer is nested in.</param>
/// <param name="ClassName">The serializer class.</param>
/// <param name="TypeName">The serialized type, global::-qualified.</param>
/// <param name="Named">For a record, class, struct or enum: its model.</param>
/// <param name="Root">For another payload type (a list, an array, a nullable …): its model.</param>
internal sealed record SerializerModel(string ContainerClass, string ClassName, string TypeName, NamedTypeModel? Named, TypeModel? Root);
