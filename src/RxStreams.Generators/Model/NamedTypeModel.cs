namespace RxStreams.Generators.Model;

/// <summary>How a property gets its value when a message is read.</summary>
internal enum PropertyReadKind
{
    /// <summary>Not read (no accessible setter and no constructor parameter): written only.</summary>
    None,

    /// <summary>Through the constructor parameter of the same name.</summary>
    Constructor,

    /// <summary>Assigned after construction, only when the JSON has it.</summary>
    Setter,

    /// <summary>An init-only property, set through an UnsafeAccessor only when the JSON has it.</summary>
    Init,

    /// <summary>A required (or init-only, where UnsafeAccessor is unavailable) property: always set in the object initializer.</summary>
    Initializer,
}

/// <summary>A serialized property.</summary>
/// <param name="Name">The C# name.</param>
/// <param name="JsonName">The JSON name ([JsonPropertyName] or camelCase).</param>
/// <param name="Type">Its type.</param>
/// <param name="IsWritten">True when it has a public getter (it goes into the JSON).</param>
/// <param name="ReadKind">How reading sets it.</param>
/// <param name="DeclaringType">The type declaring it (for an UnsafeAccessor).</param>
internal sealed record PropertyModel(string Name, string JsonName, TypeModel Type, bool IsWritten, PropertyReadKind ReadKind, string DeclaringType);

/// <summary>A parameter of the constructor used to read a message.</summary>
/// <param name="Name">The C# name.</param>
/// <param name="JsonName">The JSON name of the property it initializes, or its own name in camelCase.</param>
/// <param name="Type">Its type.</param>
/// <param name="DefaultValue">Its default value as a C# expression, used when the JSON lacks it; null for <c>default</c>.</param>
internal sealed record ConstructorParameterModel(string Name, string JsonName, TypeModel Type, string? DefaultValue);

/// <summary>An enum member.</summary>
/// <param name="Name">The C# name.</param>
/// <param name="JsonName">The JSON name ([JsonStringEnumMemberName] or camelCase).</param>
/// <param name="Value">Its value as a C# literal.</param>
/// <param name="IsAlias">True when an earlier member has the same value: it is read, never written.</param>
internal sealed record EnumMemberModel(string Name, string JsonName, string Value, bool IsAlias);

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

/// <summary>The message types one source (a handler class, a [StreamMessage] type) needs: the named types and the payload types.</summary>
internal sealed record TypeSetModel(EquatableArray<NamedTypeModel> NamedTypes, EquatableArray<TypeModel> Roots)
{
    public static TypeSetModel Empty { get; } = new(EquatableArray<NamedTypeModel>.Empty, EquatableArray<TypeModel>.Empty);
}
