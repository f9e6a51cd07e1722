using System.Text.Json;
using System.Text.Json.Serialization;
using RxStreams.Serialization;

namespace RxStreams.AspNetCore.Admin;

/// <summary>The admin page's JSON, generated at build time (no reflection: trimming- and AOT-safe), camelCase.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(NodeSnapshot))]
[JsonSerializable(typeof(ClusterView))]
internal sealed partial class AdminJson : JsonSerializerContext;

/// <summary>The admin stream's items on the wire, through <see cref="AdminJson"/>.</summary>
internal sealed class ClusterViewSerializer : IStreamSerializer<ClusterView>
{
    public static readonly ClusterViewSerializer Instance = new();

    public void Write(Utf8JsonWriter writer, ClusterView value) => JsonSerializer.Serialize(writer, value, AdminJson.Default.ClusterView);

    public ClusterView Read(ref Utf8JsonReader reader)
        => JsonSerializer.Deserialize(ref reader, AdminJson.Default.ClusterView) ?? throw new JsonException("A cluster view cannot be null.");
}
