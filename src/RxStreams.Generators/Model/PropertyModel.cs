namespace RxStreams.Generators.Model;

/// <summary>A serialized property.</summary>
/// <param name="Name">The C# name.</param>
/// <param name="JsonName">The JSON name ([JsonPropertyName] or camelCase).</param>
/// <param name="Type">Its type.</param>
/// <param name="IsWritten">True when it has a public getter (it goes into the JSON).</param>
/// <param name="ReadKind">How reading sets it.</param>
/// <param name="DeclaringType">The type declaring it (for an UnsafeAccessor).</param>
internal sealed record PropertyModel(string Name, string JsonName, TypeModel Type, bool IsWritten, PropertyReadKind ReadKind, string DeclaringType);
