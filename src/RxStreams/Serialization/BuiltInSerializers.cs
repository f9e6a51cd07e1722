using System.Text.Json;

namespace RxStreams.Serialization;

/// <summary>Serializers for the JSON primitives, so handlers and clients can use them as message types directly.</summary>
internal static class BuiltInSerializers
{
    public static IStreamSerializer<T>? For<T>()
    {
        object? s = null;
        if (typeof(T) == typeof(string)) { s = StringSerializer.Instance; }
        else if (typeof(T) == typeof(bool)) { s = BooleanSerializer.Instance; }
        else if (typeof(T) == typeof(int)) { s = Int32Serializer.Instance; }
        else if (typeof(T) == typeof(long)) { s = Int64Serializer.Instance; }
        else if (typeof(T) == typeof(double)) { s = DoubleSerializer.Instance; }
        else if (typeof(T) == typeof(decimal)) { s = DecimalSerializer.Instance; }
        else if (typeof(T) == typeof(Guid)) { s = GuidSerializer.Instance; }
        else if (typeof(T) == typeof(DateTimeOffset)) { s = DateTimeOffsetSerializer.Instance; }
        else if (typeof(T) == typeof(DateTime)) { s = DateTimeSerializer.Instance; }
        else if (typeof(T) == typeof(JsonElement)) { s = JsonElementSerializer.Instance; }
        return (IStreamSerializer<T>?)s;
    }

    private sealed class StringSerializer : IStreamSerializer<string>
    {
        public static readonly StringSerializer Instance = new();

        public void Write(Utf8JsonWriter writer, string value)
        {
            if (value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteStringValue(value);
            }
        }

        public string Read(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.Null ? null! : reader.GetString()!;
    }

    private sealed class BooleanSerializer : IStreamSerializer<bool>
    {
        public static readonly BooleanSerializer Instance = new();

        public void Write(Utf8JsonWriter writer, bool value) => writer.WriteBooleanValue(value);

        public bool Read(ref Utf8JsonReader reader) => reader.GetBoolean();
    }

    private sealed class Int32Serializer : IStreamSerializer<int>
    {
        public static readonly Int32Serializer Instance = new();

        public void Write(Utf8JsonWriter writer, int value) => writer.WriteNumberValue(value);

        public int Read(ref Utf8JsonReader reader) => reader.GetInt32();
    }

    private sealed class Int64Serializer : IStreamSerializer<long>
    {
        public static readonly Int64Serializer Instance = new();

        public void Write(Utf8JsonWriter writer, long value) => writer.WriteNumberValue(value);

        public long Read(ref Utf8JsonReader reader) => reader.GetInt64();
    }

    private sealed class DoubleSerializer : IStreamSerializer<double>
    {
        public static readonly DoubleSerializer Instance = new();

        public void Write(Utf8JsonWriter writer, double value) => writer.WriteNumberValue(value);

        public double Read(ref Utf8JsonReader reader) => reader.GetDouble();
    }

    private sealed class DecimalSerializer : IStreamSerializer<decimal>
    {
        public static readonly DecimalSerializer Instance = new();

        public void Write(Utf8JsonWriter writer, decimal value) => writer.WriteNumberValue(value);

        public decimal Read(ref Utf8JsonReader reader) => reader.GetDecimal();
    }

    private sealed class GuidSerializer : IStreamSerializer<Guid>
    {
        public static readonly GuidSerializer Instance = new();

        public void Write(Utf8JsonWriter writer, Guid value) => writer.WriteStringValue(value);

        public Guid Read(ref Utf8JsonReader reader) => reader.GetGuid();
    }

    private sealed class DateTimeOffsetSerializer : IStreamSerializer<DateTimeOffset>
    {
        public static readonly DateTimeOffsetSerializer Instance = new();

        public void Write(Utf8JsonWriter writer, DateTimeOffset value) => writer.WriteStringValue(value);

        public DateTimeOffset Read(ref Utf8JsonReader reader) => reader.GetDateTimeOffset();
    }

    private sealed class DateTimeSerializer : IStreamSerializer<DateTime>
    {
        public static readonly DateTimeSerializer Instance = new();

        public void Write(Utf8JsonWriter writer, DateTime value) => writer.WriteStringValue(value);

        public DateTime Read(ref Utf8JsonReader reader) => reader.GetDateTime();
    }

    private sealed class JsonElementSerializer : IStreamSerializer<JsonElement>
    {
        public static readonly JsonElementSerializer Instance = new();

        public void Write(Utf8JsonWriter writer, JsonElement value) => value.WriteTo(writer);

        public JsonElement Read(ref Utf8JsonReader reader) => JsonElement.ParseValue(ref reader);
    }
}
