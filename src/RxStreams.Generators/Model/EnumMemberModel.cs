namespace RxStreams.Generators.Model;

/// <summary>An enum member.</summary>
/// <param name="Name">The C# name.</param>
/// <param name="JsonName">The JSON name ([JsonStringEnumMemberName] or camelCase).</param>
/// <param name="Value">Its value as a C# literal.</param>
/// <param name="IsAlias">True when an earlier member has the same value: it is read, never written.</param>
internal sealed record EnumMemberModel(string Name, string JsonName, string Value, bool IsAlias);
