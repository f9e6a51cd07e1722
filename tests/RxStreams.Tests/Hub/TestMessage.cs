using System.Text.Json;
using RxStreams.Serialization;

namespace RxStreams.Tests.Hub;

/// <summary>A message with a hand-written serializer, so these tests depend on the hub alone.</summary>
public sealed record TestMessage(int Publisher, int Sequence);

public sealed class TestMessageSerializer : IStreamSerializer<TestMessage>
{
    public static readonly TestMessageSerializer Instance = new();

    /// <summary>Registers the serializer (every hub the tests create calls this first).</summary>
    public static void EnsureRegistered() => StreamSerializer.Register(Instance);

    public void Write(Utf8JsonWriter writer, TestMessage value)
    {
        writer.WriteStartObject();
        writer.WriteNumber("p"u8, value.Publisher);
        writer.WriteNumber("s"u8, value.Sequence);
        writer.WriteEndObject();
    }

    public TestMessage Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Expected an object.");
        }
        int p = 0, s = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isP = reader.ValueTextEquals("p"u8);
            reader.Read();
            if (isP)
            {
                p = reader.GetInt32();
            }
            else
            {
                s = reader.GetInt32();
            }
        }
        return new TestMessage(p, s);
    }
}
