using System.Collections.Immutable;
using System.Text.Json;
using RxStreams.Serialization;

namespace RxStreams.Tests.Models;

/// <summary>A model state with a hand-written serializer (these tests depend on the hub alone): a topic and items by key.</summary>
public sealed record Board(string? Topic, ImmutableSortedDictionary<string, string> Items)
{
    public static readonly Board Empty = new(null, ImmutableSortedDictionary<string, string>.Empty);

    public Board With(string key, string value) => this with { Items = Items.SetItem(key, value) };
}

public sealed class BoardSerializer : IStreamSerializer<Board>
{
    public static readonly BoardSerializer Instance = new();

    public static void EnsureRegistered() => StreamSerializer.Register(Instance);

    public void Write(Utf8JsonWriter writer, Board value)
    {
        writer.WriteStartObject();
        if (value.Topic is null)
        {
            writer.WriteNull("topic"u8);
        }
        else
        {
            writer.WriteString("topic"u8, value.Topic);
        }
        writer.WriteStartObject("items"u8);
        foreach (var (key, item) in value.Items)
        {
            writer.WriteString(key, item);
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public Board Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Expected an object.");
        }
        string? topic = null;
        var items = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("topic"u8))
            {
                reader.Read();
                topic = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
            }
            else if (reader.ValueTextEquals("items"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var key = reader.GetString()!;
                        reader.Read();
                        items[key] = reader.GetString()!;
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return new Board(topic, items.ToImmutable());
    }
}
