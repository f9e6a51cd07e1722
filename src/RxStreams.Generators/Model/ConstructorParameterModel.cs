namespace RxStreams.Generators.Model;

/// <summary>A parameter of the constructor used to read a message.</summary>
/// <param name="Name">The C# name.</param>
/// <param name="JsonName">The JSON name of the property it initializes, or its own name in camelCase.</param>
/// <param name="Type">Its type.</param>
/// <param name="DefaultValue">Its default value as a C# expression, used when the JSON lacks it; null for <c>default</c>.</param>
internal sealed record ConstructorParameterModel(string Name, string JsonName, TypeModel Type, string? DefaultValue);
