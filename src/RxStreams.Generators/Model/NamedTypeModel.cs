namespace RxStreams.Generators.Model;

/// <summary>A record, class, struct or enum that gets a generated serializer.</summary>
/// <param name="SerializerName">The generated class (nested in the assembly's registration class).</param>
/// <param name="TypeName">The type, global::-qualified.</param>
/// <param name="DisplayName">The type as messages name it.</param>
/// <param name="IsEnum">True for an enum.</param>
/// <param name="IsValueType">True for a struct or an enum.</param>
/// <param name="Properties">The serialized properties, in order.</param>
/// <param name="ConstructorParameters">The parameters of the constructor that reading calls (empty for a parameterless one).</param>
/// <param name="EnumUnderlyingType">For an enum, its underlying type (C# keyword).</param>
/// <param name="IsFlags">For an enum, true when it has [Flags].</param>
/// <param name="EnumMembers">For an enum, its members (one per value).</param>
internal sealed record NamedTypeModel(
    string SerializerName,
    string TypeName,
    string DisplayName,
    bool IsEnum,
    bool IsValueType,
    EquatableArray<PropertyModel> Properties,
    EquatableArray<ConstructorParameterModel> ConstructorParameters,
    string EnumUnderlyingType,
    bool IsFlags,
    EquatableArray<EnumMemberModel> EnumMembers);
