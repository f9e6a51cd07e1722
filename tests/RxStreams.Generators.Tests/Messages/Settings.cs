using System.Text.Json.Serialization;

namespace RxStreams.Generators.Tests.Messages;

/// <summary>Init-only and required members, defaults, a renamed member, an ignored one and a read-only one.</summary>
public sealed class Settings
{
    public required string Name { get; init; }

    public int Size { get; init; } = 10;

    public List<string> Items { get; init; } = ["default"];

    [JsonPropertyName("display_name")]
    public string? DisplayName { get; set; }

    [JsonIgnore]
    public string Secret { get; set; } = "hidden";

    public string Computed => "computed:" + Name;
}
