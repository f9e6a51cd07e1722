using System.Text.Json;
using System.Text.Json.Serialization;

namespace RxStreams.LoadTests;

/// <summary>
/// The message every workload sends: a sequence number, the load generator's timestamp (Stopwatch ticks of the
/// moment the message was due, so a late publisher counts as latency) and some text. About 100 bytes of JSON.
/// </summary>
public sealed record LoadMessage(long Seq, long T, string Text);

/// <summary>System.Text.Json source generation for SignalR's JSON protocol (its fast path), camelCase like RxStreams.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(LoadMessage))]
internal sealed partial class LoadJsonContext : JsonSerializerContext;
