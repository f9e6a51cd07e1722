namespace RxStreams.Generators.Model;

/// <summary>How a type is written as JSON.</summary>
internal enum JsonTypeKind
{
    /// <summary>A value the reader and writer handle directly (numbers, strings, Guid …).</summary>
    Primitive,

    /// <summary>An enum: a string (its camelCase name), read from a name in any case or a number.</summary>
    Enum,

    /// <summary>A record, class or struct: an object, through its generated serializer.</summary>
    Object,

    /// <summary><c>Nullable&lt;T&gt;</c>.</summary>
    Nullable,

    /// <summary><c>T[]</c>.</summary>
    Array,

    /// <summary><c>List&lt;T&gt;</c>.</summary>
    List,

    /// <summary><c>IList&lt;T&gt;</c>, <c>IReadOnlyList&lt;T&gt;</c>: read as a List, written by index.</summary>
    ListInterface,

    /// <summary><c>IEnumerable&lt;T&gt;</c>, <c>ICollection&lt;T&gt;</c>, <c>IReadOnlyCollection&lt;T&gt;</c>: read as a List.</summary>
    EnumerableInterface,

    /// <summary><c>Dictionary&lt;string, T&gt;</c>.</summary>
    Dictionary,

    /// <summary><c>IDictionary&lt;string, T&gt;</c>, <c>IReadOnlyDictionary&lt;string, T&gt;</c>: read as a Dictionary.</summary>
    DictionaryInterface,
}

/// <summary>The primitive types serialized inline.</summary>
internal enum PrimitiveKind
{
    None,
    Boolean,
    Byte,
    SByte,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Single,
    Double,
    Decimal,
    Char,
    String,
    Guid,
    DateTime,
    DateTimeOffset,
    TimeSpan,
    DateOnly,
    TimeOnly,
    ByteArray,
    JsonElement,
}

/// <summary>
/// A use of a type in a message (a member, an element, a handler's payload).
/// </summary>
/// <param name="Kind">How it is written.</param>
/// <param name="Name">The C# type, global::-qualified, without a top-level <c>?</c> on reference types (inner annotations included).</param>
/// <param name="Primitive">For primitives, which one.</param>
/// <param name="Element">For nullable values, collections and dictionaries: the element (value) type.</param>
/// <param name="SerializerName">For enums and objects: the generated serializer class.</param>
/// <param name="IsValueType">True for structs, enums and primitives that are value types.</param>
/// <param name="AllowsNull">True when JSON null is accepted: Nullable&lt;T&gt;, and reference types annotated with <c>?</c> or declared without nullable annotations.</param>
/// <param name="Mangled">A readable identifier fragment unique to the type (for the class of a root serializer).</param>
internal sealed record TypeModel(
    JsonTypeKind Kind,
    string Name,
    PrimitiveKind Primitive,
    TypeModel? Element,
    string? SerializerName,
    bool IsValueType,
    bool AllowsNull,
    string Mangled)
{
    /// <summary>The type to declare a variable holding it: <see cref="Name"/>, with <c>?</c> for a reference type that allows null.</summary>
    public string DeclaredName => !IsValueType && AllowsNull ? Name + "?" : Name;

    /// <summary>The same type with <see cref="AllowsNull"/> set, for the payload of a handler (registered without annotation).</summary>
    public TypeModel AsRoot() => IsValueType ? this : this with { AllowsNull = true };
}
