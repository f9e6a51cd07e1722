using System.Text.Json;
using RxStreams.Serialization;

namespace RxStreams.Models;

/// <summary>A client's write to a model stream: <c>{"w":id,"edit":EDIT}</c>, the edit read by its own serializer.</summary>
internal sealed class ModelEditSerializer<TEdit>(IStreamSerializer<TEdit> edit) : IStreamSerializer<ModelEdit<TEdit>>
{
    public void Write(Utf8JsonWriter writer, ModelEdit<TEdit> value)
    {
        writer.WriteStartObject();
        writer.WriteNumber("w"u8, value.Id);
        writer.WritePropertyName("edit"u8);
        edit.Write(writer, value.Value);
        writer.WriteEndObject();
    }

    public ModelEdit<TEdit> Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A model write is an object: {\"w\":id,\"edit\":…}.");
        }
        long? id = null;
        var hasEdit = false;
        TEdit value = default!;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("w"u8))
            {
                reader.Read();
                id = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("edit"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    throw new JsonException("A model write's \"edit\" is null.");
                }
                value = edit.Read(ref reader);
                hasEdit = true;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        if (id is not { } writeId || !hasEdit)
        {
            throw new JsonException("A model write has a write id (\"w\") and an edit (\"edit\").");
        }
        return new ModelEdit<TEdit>(writeId, value);
    }
}
