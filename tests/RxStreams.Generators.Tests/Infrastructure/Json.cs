using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using RxStreams.Serialization;

namespace RxStreams.Generators.Tests.Infrastructure;

/// <summary>
/// The generated serializers (through StreamSerializer, as the runtime uses them) and System.Text.Json configured
/// the way RxStreams documents its JSON (web defaults: camelCase names; enums as camelCase strings), as an oracle.
/// </summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Stj = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Write<T>(T value) => Encoding.UTF8.GetString(StreamSerializer.SerializeToArray(StreamSerializer.Get<T>(), value));

    public static T Read<T>(string json) => StreamSerializer.Deserialize(StreamSerializer.Get<T>(), Encoding.UTF8.GetBytes(json));

    public static string StjWrite<T>(T value) => JsonSerializer.Serialize(value, Stj);

    public static T StjRead<T>(string json) => JsonSerializer.Deserialize<T>(json, Stj)!;

    /// <summary>Fails unless both values serialize (with System.Text.Json) to equal JSON: a structural comparison.</summary>
    public static void AssertEquivalent<T>(T expected, T actual)
    {
        var a = StjWrite(expected);
        var b = StjWrite(actual);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(a), JsonNode.Parse(b)), $"Values differ.\nexpected: {a}\nactual:   {b}");
    }

    /// <summary>Fails unless the two JSON texts are the same JSON value (member order aside).</summary>
    public static void AssertSameJson(string expected, string actual)
        => Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"JSON differs.\nexpected: {expected}\nactual:   {actual}");
}
