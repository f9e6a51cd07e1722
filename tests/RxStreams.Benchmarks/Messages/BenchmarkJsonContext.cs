using System.Text.Json;
using System.Text.Json.Serialization;

namespace RxStreams.Benchmarks.Messages;

/// <summary>System.Text.Json's source-generated serializers for the same types, with the same wire format (web defaults, enums as strings).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ChatMessage))]
[JsonSerializable(typeof(OrderSnapshot))]
public sealed partial class BenchmarkJsonContext : JsonSerializerContext
{
}
