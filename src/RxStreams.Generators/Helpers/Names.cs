using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace RxStreams.Generators.Helpers;

/// <summary>Names and literals as the generated code spells them.</summary>
internal static class Names
{
    /// <summary>global::-qualified, keywords for special types, nullable reference annotations kept.</summary>
    public static readonly SymbolDisplayFormat FullyQualified = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>As <see cref="FullyQualified"/>, without the <c>?</c> of nullable reference types.</summary>
    public static readonly SymbolDisplayFormat FullyQualifiedNoAnnotations = SymbolDisplayFormat.FullyQualifiedFormat;

    /// <summary>Namespace-qualified without global:: (for messages).</summary>
    public static readonly SymbolDisplayFormat Readable = SymbolDisplayFormat.CSharpErrorMessageFormat;

    /// <summary>Namespace, containing types and name, nothing else (no global::, no type arguments, no <c>?</c>).</summary>
    public static readonly SymbolDisplayFormat QualifiedName = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.None);

    /// <summary>The type's name with its containing types (no namespace), e.g. <c>Outer.Inner</c>.</summary>
    public static readonly SymbolDisplayFormat TypeOnly = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    public static string Full(ITypeSymbol type) => type.ToDisplayString(FullyQualified);

    /// <summary>The type without a top-level <c>?</c> annotation, inner annotations kept.</summary>
    public static string FullNoTopAnnotation(ITypeSymbol type)
        => type.IsReferenceType ? type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(FullyQualified) : Full(type);

    /// <summary>System.Text.Json's <c>JsonNamingPolicy.CamelCase</c>, exactly (so both read each other's JSON).</summary>
    public static string CamelCase(string name)
    {
        if (name.Length == 0 || !char.IsUpper(name[0]))
        {
            return name;
        }
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (i == 1 && !char.IsUpper(chars[i]))
            {
                break;
            }
            var hasNext = i + 1 < chars.Length;
            if (i > 0 && hasNext && !char.IsUpper(chars[i + 1]))
            {
                if (chars[i + 1] == ' ')
                {
                    chars[i] = char.ToLowerInvariant(chars[i]);
                }
                break;
            }
            chars[i] = char.ToLowerInvariant(chars[i]);
        }
        return new string(chars);
    }

    /// <summary>
    /// Turns any text into an identifier, injectively enough for assembly and type names: letters and digits stay,
    /// '.' becomes '_', '_' becomes '__', anything else '_xHHHH_'.
    /// </summary>
    public static string Sanitize(string text)
    {
        var sb = new StringBuilder(text.Length + 4);
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                sb.Append(c);
            }
            else if (c == '.')
            {
                sb.Append('_');
            }
            else if (c == '_')
            {
                sb.Append("__");
            }
            else
            {
                sb.Append("_x").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)).Append('_');
            }
        }
        if (sb.Length == 0 || char.IsDigit(sb[0]))
        {
            sb.Insert(0, '_');
        }
        return sb.ToString();
    }

    /// <summary>A C# string literal.</summary>
    public static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

    /// <summary>The text inside a C# verbatim-free XML doc comment.</summary>
    public static string XmlEscape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>True when <paramref name="name"/> needs no escaping in JSON (so its pre-encoded bytes are also its raw UTF-8).</summary>
    public static bool IsJsonSafeAscii(string name)
    {
        foreach (var c in name)
        {
            if (c < 0x20 || c > 0x7E || c is '"' or '\\' or '<' or '>' or '&' or '\'' or '+' or '`')
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>An identifier for generated C#, escaped when it is a keyword.</summary>
    public static string Identifier(string name)
        => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) == SyntaxKind.FieldKeyword
            ? "@" + name
            : name;
}
