namespace RxStreams.Generators.Model;

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
