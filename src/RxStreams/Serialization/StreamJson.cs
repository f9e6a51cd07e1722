using System.Buffers.Text;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace RxStreams.Serialization;

/// <summary>
/// Helpers the serializers emitted by the RxStreams source generator call: the value formats the reader and writer
/// lack (char, TimeSpan, DateOnly, TimeOnly, written as System.Text.Json writes them) and throw helpers that keep
/// the generated hot paths small. Not meant for application code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class StreamJson
{
    // "-10675199.02:48:05.4775808", the longest TimeSpan in the "c" format.
    private const int MaxTimeSpanLength = 26;

    // Room for the escaped text of the short values read through StringBytes.
    private const int ScratchLength = 64;

    /// <summary>Moves to the next token; throws when the JSON ends first.</summary>
    /// <exception cref="JsonException">There is no next token.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            ThrowEndOfData();
        }
    }

    /// <summary>Throws for a JSON null where the member does not allow one.</summary>
    /// <param name="type">The message type.</param>
    /// <param name="member">The member's JSON name (with <c>[]</c> for an element, <c>{}</c> for a dictionary value).</param>
    /// <exception cref="JsonException">Always.</exception>
    [DoesNotReturn]
    public static void ThrowNull(string type, string member)
        => throw new JsonException($"The member '{member}' of {type} cannot be null.");

    /// <summary>Throws for a token of the wrong kind.</summary>
    /// <param name="reader">The reader, on the token.</param>
    /// <param name="type">The type being read.</param>
    /// <param name="expected">What was expected ("object", "array", "string" …).</param>
    /// <exception cref="JsonException">Always.</exception>
    [DoesNotReturn]
    public static void ThrowUnexpectedToken(ref Utf8JsonReader reader, string type, string expected)
        => throw new JsonException($"Expected a JSON {expected} for {type} but found {Describe(reader.TokenType)}.");

    /// <summary>Writes a char as a one-character string.</summary>
    public static void WriteChar(Utf8JsonWriter writer, char value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ReadOnlySpan<char> text = [value];
        writer.WriteStringValue(text);
    }

    /// <summary>Reads a one-character string.</summary>
    /// <exception cref="JsonException">The token is not a string of one character.</exception>
    public static char ReadChar(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String && !reader.HasValueSequence && !reader.ValueIsEscaped
            && reader.ValueSpan.Length == 1 && reader.ValueSpan[0] < 0x80)
        {
            return (char)reader.ValueSpan[0];
        }
        var text = reader.GetString();
        return text is { Length: 1 } ? text[0] : throw new JsonException("Expected a string of one character.");
    }

    /// <summary>Writes a TimeSpan in the constant ("c") format, <c>[-][d.]hh:mm:ss[.fffffff]</c>.</summary>
    public static void WriteTimeSpan(Utf8JsonWriter writer, TimeSpan value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> buffer = stackalloc byte[MaxTimeSpanLength];
        Utf8Formatter.TryFormat(value, buffer, out var written, 'c');
        writer.WriteStringValue(buffer[..written]);
    }

    /// <summary>Reads a TimeSpan in the constant ("c") format.</summary>
    /// <exception cref="JsonException">The token is not such a string.</exception>
    public static TimeSpan ReadTimeSpan(ref Utf8JsonReader reader)
    {
        Span<byte> buffer = stackalloc byte[ScratchLength];
        var length = CopyStringBytes(ref reader, "TimeSpan", buffer);
        ReadOnlySpan<byte> text = length < 0 ? default : buffer[..length];
        if (text.Length is > 0 and <= MaxTimeSpanLength && (IsDigit(text[0]) || text[0] == '-')
            && Utf8Parser.TryParse(text, out TimeSpan value, out var consumed, 'c') && consumed == text.Length)
        {
            return value;
        }
        throw new JsonException("Expected a TimeSpan in the format [-][d.]hh:mm:ss[.fffffff].");
    }

    /// <summary>Writes a DateOnly as <c>yyyy-MM-dd</c>.</summary>
    public static void WriteDateOnly(Utf8JsonWriter writer, DateOnly value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<char> buffer = stackalloc char[10];
        value.TryFormat(buffer, out var written, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        writer.WriteStringValue(buffer[..written]);
    }

    /// <summary>Reads a DateOnly written as <c>yyyy-MM-dd</c>.</summary>
    /// <exception cref="JsonException">The token is not such a string.</exception>
    public static DateOnly ReadDateOnly(ref Utf8JsonReader reader)
    {
        Span<byte> buffer = stackalloc byte[ScratchLength];
        var length = CopyStringBytes(ref reader, "DateOnly", buffer);
        ReadOnlySpan<byte> text = length < 0 ? default : buffer[..length];
        Span<char> chars = stackalloc char[10];
        if (text.Length == chars.Length && !text.ContainsAnyExceptInRange((byte)0, (byte)0x7F))
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)text[i];
            }
            if (DateOnly.TryParseExact(chars, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
            {
                return value;
            }
        }
        throw new JsonException("Expected a DateOnly in the format yyyy-MM-dd.");
    }

    /// <summary>Writes a TimeOnly as System.Text.Json does: the time of day in the constant TimeSpan format, <c>hh:mm:ss[.fffffff]</c>.</summary>
    public static void WriteTimeOnly(Utf8JsonWriter writer, TimeOnly value) => WriteTimeSpan(writer, value.ToTimeSpan());

    /// <summary>Reads a TimeOnly written as <c>hh:mm:ss[.fffffff]</c>.</summary>
    /// <exception cref="JsonException">The token is not such a string, or not a time of day.</exception>
    public static TimeOnly ReadTimeOnly(ref Utf8JsonReader reader)
    {
        var span = ReadTimeSpan(ref reader);
        if (span < TimeSpan.Zero || span >= TimeSpan.FromDays(1))
        {
            throw new JsonException("Expected a TimeOnly (a time of day) in the format hh:mm:ss[.fffffff].");
        }
        return TimeOnly.FromTimeSpan(span);
    }

    /// <summary>Writes a JsonElement (an undefined one, the default of the type, as null).</summary>
    public static void WriteElement(Utf8JsonWriter writer, JsonElement value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            writer.WriteNullValue();
        }
        else
        {
            value.WriteTo(writer);
        }
    }

    /// <summary>
    /// The index in <paramref name="names"/> of the property name the reader is on, compared ignoring case, or -1: the
    /// fallback after the exact UTF-8 comparisons. A name of up to <c>128</c> bytes is compared without allocating, so
    /// members a message does not know (skipped on every message) cost no garbage.
    /// </summary>
    /// <param name="reader">The reader, on a property name.</param>
    /// <param name="names">The members' JSON names, in the order their indexes mean.</param>
    public static int MatchNameIgnoringCase(ref Utf8JsonReader reader, ReadOnlySpan<string> names)
    {
        const int MaxStackName = 128;
        Span<char> chars = stackalloc char[MaxStackName];
        scoped ReadOnlySpan<char> name;
        var raw = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (raw <= MaxStackName)
        {
            // Unescaped UTF-8 is no longer than its escaped form, and has no more chars than bytes.
            Span<byte> bytes = stackalloc byte[MaxStackName];
            var length = reader.CopyString(bytes);
            name = chars[..Encoding.UTF8.GetChars(bytes[..length], chars)];
        }
        else
        {
            name = reader.GetString();
        }
        for (var i = 0; i < names.Length; i++)
        {
            if (name.Equals(names[i], StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }

    [DoesNotReturn]
    private static void ThrowEndOfData() => throw new JsonException("The JSON ended before the value was complete.");

    /// <summary>
    /// Copies the string token's text, unescaped, into <paramref name="buffer"/> and returns its length, or -1 when it
    /// does not fit: the values read this way are short, so a longer one is invalid anyway.
    /// </summary>
    private static int CopyStringBytes(ref Utf8JsonReader reader, string type, scoped Span<byte> buffer)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            ThrowUnexpectedToken(ref reader, type, "string");
        }
        var raw = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        return raw <= buffer.Length ? reader.CopyString(buffer) : -1;
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
