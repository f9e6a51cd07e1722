using System.Text.Json;

namespace RxStreams.Sessions;

/// <summary>
/// A session's streams as JSON, <c>"streams":[{"route":"…","offset":"…"?}]</c>: one layout for every store that
/// writes sessions (the Redis store, the protected store's sealed value).
/// </summary>
internal static class SessionStreamsJson
{
    /// <summary>Writes the <c>"streams"</c> property.</summary>
    public static void Write(Utf8JsonWriter writer, IReadOnlyList<SessionStream> streams)
    {
        writer.WriteStartArray("streams");
        foreach (var stream in streams)
        {
            writer.WriteStartObject();
            writer.WriteString("route", stream.Route);
            if (stream.Offset is { } offset)
            {
                writer.WriteString("offset", offset.ToString());
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    /// <summary>
    /// Reads the array the reader is on. <paramref name="strict"/>: an entry without a route or with an offset that does
    /// not parse is a <see cref="FormatException"/>; otherwise such an entry (or its offset) is left out.
    /// </summary>
    public static List<SessionStream> Read(ref Utf8JsonReader reader, bool strict)
    {
        var streams = new List<SessionStream>();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            string? route = null;
            StreamOffset? offset = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = reader.GetString();
                reader.Read();
                switch (field)
                {
                    case "route":
                        route = reader.GetString();
                        break;
                    case "offset" when StreamOffset.TryParse(reader.GetString(), out var parsed):
                        offset = parsed;
                        break;
                    case "offset" when strict:
                        throw new FormatException("A session stream's offset does not parse.");
                    default:
                        reader.Skip();
                        break;
                }
            }
            if (route is not null)
            {
                streams.Add(new SessionStream(route, offset));
            }
            else if (strict)
            {
                throw new FormatException("A session stream has no route.");
            }
        }
        return streams;
    }
}
