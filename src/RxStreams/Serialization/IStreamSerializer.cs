using System.Text.Json;

namespace RxStreams.Serialization;

/// <summary>
/// Reads and writes one message type as UTF-8 JSON (camelCase member names). The RxStreams source generator
/// implements it for every message type of a compilation with direct <see cref="Utf8JsonWriter"/> and
/// <see cref="Utf8JsonReader"/> code, and registers it with <see cref="StreamSerializer.Register{T}"/>.
/// </summary>
/// <typeparam name="T">The message type.</typeparam>
public interface IStreamSerializer<T>
{
    /// <summary>Writes <paramref name="value"/> as one JSON value.</summary>
    void Write(Utf8JsonWriter writer, T value);

    /// <summary>
    /// Reads one JSON value. The reader is positioned on the value's first token and is left on its last one.
    /// Unknown members are skipped and missing ones defaulted. Throws <see cref="JsonException"/> (or
    /// <see cref="StreamSerializationException"/>) for JSON that is not a <typeparamref name="T"/>.
    /// </summary>
    T Read(ref Utf8JsonReader reader);
}
