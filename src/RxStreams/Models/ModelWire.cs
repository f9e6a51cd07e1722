using System.Buffers;
using System.Text.Json;

namespace RxStreams.Models;

/// <summary>
/// The JSON of a model stream's items (docs/protocol.md, "Models"). Server to client:
/// <c>{"v":7,"s":STATE}</c> a snapshot, <c>{"v":8,"p":PATCH}</c> a change (RFC 7386 merge patch; the change channel
/// holds exactly these bytes, so they go out as they are), <c>{"w":3,"v":8}</c> the client's write 3 was applied as
/// version 8, <c>{"w":3,"code":"edit_refused","error":"…"}</c> it was refused. Client to server: <c>{"w":3,"edit":EDIT}</c>.
/// </summary>
internal static class ModelWire
{
    private static readonly JsonWriterOptions s_writerOptions = new() { SkipValidation = true };

    /// <summary><c>{"v":version,"s":state}</c>.</summary>
    public static byte[] Snapshot(long version, ReadOnlySpan<byte> state) => Write(version, "s"u8, state);

    /// <summary><c>{"v":version,"p":patch}</c>.</summary>
    public static byte[] Change(long version, ReadOnlySpan<byte> patch) => Write(version, "p"u8, patch);

    /// <summary><c>{"w":write,"v":version}</c>.</summary>
    public static byte[] Accepted(long write, long version)
    {
        var buffer = new ArrayBufferWriter<byte>(32);
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("w"u8, write);
            writer.WriteNumber("v"u8, version);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><c>{"w":write,"code":code,"error":message}</c>.</summary>
    public static byte[] Refused(long write, string code, string message)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + message.Length);
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("w"u8, write);
            writer.WriteString("code"u8, code);
            writer.WriteString("error"u8, message);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Write(long version, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        var buffer = new ArrayBufferWriter<byte>(value.Length + 32);
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v"u8, version);
            writer.WritePropertyName(name);
            writer.WriteRawValue(value, skipInputValidation: true);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads a snapshot or a change: its version, and where its state (<c>s</c>) or patch (<c>p</c>) is in
    /// <paramref name="payload"/>.
    /// </summary>
    /// <exception cref="JsonException">It is neither.</exception>
    public static (long Version, bool IsSnapshot, Range Value) Read(ReadOnlySpan<byte> payload)
    {
        var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 64 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A model item is a JSON object.");
        }
        long? version = null;
        Range? value = null;
        var snapshot = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("v"u8))
            {
                reader.Read();
                version = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("s"u8) || reader.ValueTextEquals("p"u8))
            {
                snapshot = reader.ValueTextEquals("s"u8);
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                value = new Range(start, (int)reader.BytesConsumed);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        if (version is not { } v || value is not { } range)
        {
            throw new JsonException("A model item has a version (\"v\") and a state (\"s\") or a patch (\"p\").");
        }
        return (v, snapshot, range);
    }
}
