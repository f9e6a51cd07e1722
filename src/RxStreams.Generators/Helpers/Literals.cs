using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace RxStreams.Generators.Helpers;

/// <summary>Turns constants (attribute arguments, parameter defaults) into C# expressions.</summary>
internal static class Literals
{
    /// <summary>An attribute argument as a C# expression, or null when it cannot be written.</summary>
    public static string? From(TypedConstant constant)
    {
        if (constant.IsNull)
        {
            return constant.Type is { } t ? $"({Names.Full(t)})null" : "null";
        }
        switch (constant.Kind)
        {
            case TypedConstantKind.Array:
                var items = constant.Values.Select(From).ToArray();
                if (items.Any(i => i is null) || constant.Type is not IArrayTypeSymbol array)
                {
                    return null;
                }
                return $"new {Names.Full(array.ElementType)}[] {{ {string.Join(", ", items)} }}";
            case TypedConstantKind.Type:
                return constant.Value is ITypeSymbol type ? $"typeof({Names.FullNoTopAnnotation(type)})" : null;
            case TypedConstantKind.Enum:
                return constant.Type is { } enumType ? $"({Names.Full(enumType)})({Primitive(constant.Value)})" : null;
            case TypedConstantKind.Primitive:
                return Primitive(constant.Value);
            default:
                return null;
        }
    }

    /// <summary>A constant value (parameter default) of <paramref name="type"/> as a C# expression.</summary>
    public static string? FromValue(object? value, ITypeSymbol type)
    {
        if (value is null)
        {
            return type.IsValueType && type.OriginalDefinition.SpecialType != SpecialType.System_Nullable_T ? $"default({Names.Full(type)})" : "null";
        }
        if (type.TypeKind == TypeKind.Enum)
        {
            return $"({Names.Full(type)})({Primitive(value)})";
        }
        return Primitive(value);
    }

    public static string? Primitive(object? value) => value switch
    {
        null => "null",
        string s => Names.Literal(s),
        bool b => b ? "true" : "false",
        char c => SymbolDisplay.FormatLiteral(c, quote: true),
        float f => float.IsNaN(f) ? "float.NaN" : float.IsPositiveInfinity(f) ? "float.PositiveInfinity" : float.IsNegativeInfinity(f) ? "float.NegativeInfinity" : f.ToString("R", CultureInfo.InvariantCulture) + "F",
        double d => double.IsNaN(d) ? "double.NaN" : double.IsPositiveInfinity(d) ? "double.PositiveInfinity" : double.IsNegativeInfinity(d) ? "double.NegativeInfinity" : d.ToString("R", CultureInfo.InvariantCulture) + "D",
        decimal m => m.ToString(CultureInfo.InvariantCulture) + "M",
        int i => i == int.MinValue ? "int.MinValue" : i.ToString(CultureInfo.InvariantCulture),
        uint u => u.ToString(CultureInfo.InvariantCulture) + "U",
        long l => l == long.MinValue ? "long.MinValue" : l.ToString(CultureInfo.InvariantCulture) + "L",
        ulong ul => ul.ToString(CultureInfo.InvariantCulture) + "UL",
        short s16 => $"(short){s16.ToString(CultureInfo.InvariantCulture)}",
        ushort u16 => $"(ushort){u16.ToString(CultureInfo.InvariantCulture)}",
        byte b8 => $"(byte){b8.ToString(CultureInfo.InvariantCulture)}",
        sbyte s8 => $"(sbyte){s8.ToString(CultureInfo.InvariantCulture)}",
        _ => null,
    };
}
