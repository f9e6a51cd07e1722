using System.Text.Json.Serialization;

namespace Chat.Identity;

/// <summary>Source-generated JSON for the REST endpoints (no reflection: the app is trimmed).</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(Me))]
[JsonSerializable(typeof(ApiError))]
internal sealed partial class ChatJsonContext : JsonSerializerContext;
