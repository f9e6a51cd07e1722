using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using RxStreams.Generators.Helpers;

namespace RxStreams.Generators.Parsing;

/// <summary>
/// Which members of an object type its serializer reads and writes, by System.Text.Json's rules: the public properties
/// (base first, overrides and hiding members once, <c>[JsonIgnore]</c> honoured), their JSON names
/// (<c>[JsonPropertyName]</c> or camelCase) and the constructor it is created with (<c>[JsonConstructor]</c>, else the
/// parameterless one, else the only one).
/// </summary>
internal sealed class SerializableMembers(KnownTypes known)
{
    private readonly KnownTypes _known = known;
    private readonly IAssemblySymbol _assembly = known.Compilation.Assembly;

    /// <summary>The public instance properties of <paramref name="type"/> and its bases, in the order they are written.</summary>
    public List<IPropertySymbol> Properties(INamedTypeSymbol type)
    {
        // Properties, most derived first so overrides and hiding members win; written base first.
        var levels = new List<List<IPropertySymbol>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var t = type; t is not null && t.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); t = t.BaseType)
        {
            var level = new List<IPropertySymbol>();
            foreach (var property in t.GetMembers().OfType<IPropertySymbol>())
            {
                if (property.IsStatic || property.IsIndexer || property.DeclaredAccessibility != Accessibility.Public || !seen.Add(property.Name))
                {
                    continue;
                }
                if (IsIgnored(property))
                {
                    continue;
                }
                level.Add(property);
            }
            levels.Add(level);
        }
        levels.Reverse();
        return levels.SelectMany(l => l).ToList();
    }

    /// <summary>The property's JSON name: its <c>[JsonPropertyName]</c>, or its name in camelCase.</summary>
    public string JsonNameOf(IPropertySymbol property)
        => FirstStringArgument(KnownTypes.GetAttribute(property, _known.JsonPropertyNameAttribute)) is { } custom
            ? custom
            : Names.CamelCase(property.Name);

    internal static string? FirstStringArgument(AttributeData? attribute)
        => attribute is { ConstructorArguments.Length: > 0 } ? attribute.ConstructorArguments[0].Value as string : null;

    private bool IsIgnored(IPropertySymbol property)
    {
        var ignore = KnownTypes.GetAttribute(property, _known.JsonIgnoreAttribute);
        if (ignore is null)
        {
            return false;
        }
        // [JsonIgnore] and [JsonIgnore(Condition = Always)] drop the member; the conditional forms keep it.
        foreach (var named in ignore.NamedArguments)
        {
            if (named.Key == "Condition" && named.Value.Value is int condition && condition != 1)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The constructor deserialization uses, or null with the <paramref name="reason"/> there is none.</summary>
    public IMethodSymbol? ChooseConstructor(INamedTypeSymbol type, out string? reason)
    {
        reason = null;
        var constructors = type.InstanceConstructors
            .Where(c => !KnownTypes.IsCopyConstructor(c, type) && _known.Compilation.IsSymbolAccessibleWithin(c, _assembly))
            .ToList();
        var marked = constructors.Where(c => KnownTypes.HasAttribute(c, _known.JsonConstructorAttribute)).ToList();
        if (marked.Count == 1)
        {
            return marked[0];
        }
        if (marked.Count > 1)
        {
            reason = $"'{type.ToDisplayString(Names.Readable)}' has several constructors marked [JsonConstructor]";
            return null;
        }
        var parameterized = constructors.Where(c => c.Parameters.Length > 0).ToList();
        var parameterless = constructors.FirstOrDefault(c => c.Parameters.Length == 0);
        if (type.IsValueType)
        {
            // A struct always has a parameterless constructor; a single explicit parameterized one (a positional record struct) is preferred.
            return parameterized.Count == 1 ? parameterized[0] : parameterless ?? type.InstanceConstructors.First(c => c.Parameters.Length == 0);
        }
        if (parameterless is not null)
        {
            return parameterless;
        }
        if (parameterized.Count == 1)
        {
            return parameterized[0];
        }
        reason = parameterized.Count == 0
            ? $"'{type.ToDisplayString(Names.Readable)}' has no constructor accessible from this assembly"
            : $"'{type.ToDisplayString(Names.Readable)}' has several constructors and none without parameters; mark the one to use with [JsonConstructor]";
        return null;
    }
}
