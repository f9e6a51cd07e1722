using System.Text;
using System.Text.Json.Nodes;
using RxStreams.Models;

namespace RxStreams.Tests.Models;

public sealed class JsonMergePatchTests
{
    private static string Json(byte[]? bytes) => bytes is null ? "(none)" : Encoding.UTF8.GetString(bytes);

    private static byte[] B(string json) => Encoding.UTF8.GetBytes(json);

    private static string Canonical(string json)
    {
        static JsonNode? Sort(JsonNode? node) => node switch
        {
            JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sort(p.Value)))),
            _ => node?.DeepClone(),
        };
        return Sort(JsonMergePatch.Parse(B(json)))?.ToJsonString() ?? "null";
    }

    // RFC 7386, Appendix A: target, patch, result.
    [Theory]
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""["a","b"]""", """["c","d"]""", """["c","d"]""")]
    [InlineData("""{"a":"b"}""", """["c"]""", """["c"]""")]
    [InlineData("""{"a":"foo"}""", "null", "null")]
    [InlineData("""{"a":"foo"}""", "\"bar\"", "\"bar\"")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("""[1,2]""", """{"a":"b","c":null}""", """{"a":"b"}""")]
    [InlineData("""{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    public void Apply_follows_the_RFC_examples(string target, string patch, string expected)
        => Assert.Equal(Canonical(expected), Canonical(Json(JsonMergePatch.Apply(B(target), B(patch)))));

    [Theory]
    // one field of many
    [InlineData("""{"topic":"a","n":1,"items":{"x":"1","y":"2"}}""", """{"topic":"b","n":1,"items":{"x":"1","y":"2"}}""", """{"topic":"b"}""")]
    // nested objects: only the changed leaf, removals as null
    [InlineData("""{"a":{"b":{"c":1,"d":2}}}""", """{"a":{"b":{"c":1,"e":3}}}""", """{"a":{"b":{"d":null,"e":3}}}""")]
    // arrays are replaced whole
    [InlineData("""{"list":[1,2,3],"k":true}""", """{"list":[1,2,4],"k":true}""", """{"list":[1,2,4]}""")]
    // a value to null removes; null to a value sets; null to null is no change
    [InlineData("""{"a":1,"b":null,"c":null}""", """{"a":null,"b":2,"c":null}""", """{"a":null,"b":2}""")]
    // a member that was missing
    [InlineData("""{"a":1}""", """{"a":1,"z":{"y":[true]}}""", """{"z":{"y":[true]}}""")]
    // object to primitive and back
    [InlineData("""{"a":{"b":1},"c":5}""", """{"a":7,"c":{"d":1}}""", """{"a":7,"c":{"d":1}}""")]
    // the root is not an object: replaced whole
    [InlineData("""[1]""", """[2]""", """[2]""")]
    [InlineData("""{"a":1}""", "\"text\"", "\"text\"")]
    public void Diff_gives_the_smallest_patch_and_applying_it_gives_the_new_document(string original, string modified, string expectedPatch)
    {
        var patch = JsonMergePatch.Diff(B(original), B(modified));
        Assert.Equal(Canonical(expectedPatch), Canonical(Json(patch)));
        Assert.Equal(WithoutNulls(modified), WithoutNulls(Json(JsonMergePatch.Apply(B(original), patch!))));
    }

    [Fact]
    public void Equal_documents_have_no_patch_whatever_the_member_order()
    {
        Assert.Null(JsonMergePatch.Diff(B("""{"a":1,"b":{"c":[1,{"d":2}]}}"""), B("""{"b":{"c":[1,{"d":2}]},"a":1}""")));
        Assert.Null(JsonMergePatch.Diff(B("""{"a":null}"""), B("""{}""")));
        Assert.Null(JsonMergePatch.Diff(B("3"), B("3")));
        Assert.NotNull(JsonMergePatch.Diff(B("""{"a":[1,2]}"""), B("""{"a":[2,1]}""")));
    }

    [Fact]
    public void Random_documents_round_trip_through_diff_and_apply()
    {
        var random = new Random(16);
        for (var i = 0; i < 500; i++)
        {
            var a = RandomNode(random, 3);
            var b = Mutate(random, a?.DeepClone(), 3);
            var before = JsonMergePatch.ToBytes(a);
            var after = JsonMergePatch.ToBytes(b);
            var patch = JsonMergePatch.Diff(before, after);
            if (patch is null)
            {
                Assert.Equal(WithoutNulls(Json(before)), WithoutNulls(Json(after)));
                continue;
            }
            Assert.Equal(WithoutNulls(Json(after)), WithoutNulls(Json(JsonMergePatch.Apply(before, patch))));
        }
    }

    [Fact]
    public void Apply_leaves_the_patch_untouched_and_can_be_applied_again()
    {
        var patch = JsonMergePatch.Parse(B("""{"a":{"b":[1,2]},"c":null}"""));
        var first = JsonMergePatch.Apply(JsonMergePatch.Parse(B("""{"c":1}""")), patch);
        var second = JsonMergePatch.Apply(JsonMergePatch.Parse(B("""{"a":{"x":1}}""")), patch);
        Assert.Equal("""{"a":{"b":[1,2]}}""", first!.ToJsonString());
        Assert.Equal("""{"a":{"x":1,"b":[1,2]}}""", second!.ToJsonString());
        Assert.Equal("""{"a":{"b":[1,2]},"c":null}""", patch!.ToJsonString());
    }

    [Fact]
    public void Malformed_json_is_a_clear_error()
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => JsonMergePatch.Diff(B("{\"a\":"), B("{}")));
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => JsonMergePatch.Apply(B("{}"), B("{} {}")));
    }

    /// <summary>
    /// The document as a merge patch sees it, in a canonical text: object members that are null are the same as
    /// missing (except inside arrays, which are values), and member order does not matter.
    /// </summary>
    private static string WithoutNulls(string json)
    {
        static JsonNode? Canonical(JsonNode? node) => node switch
        {
            JsonObject o => new JsonObject(o.Where(p => p.Value is not null).OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
            JsonArray a => new JsonArray([.. a.Select(v => v is JsonObject ? Canonical(v) : v?.DeepClone())]),
            _ => node?.DeepClone(),
        };
        return Canonical(JsonMergePatch.Parse(B(json)))?.ToJsonString() ?? "null";
    }

    private static JsonNode? RandomNode(Random random, int depth) => random.Next(depth > 0 ? 7 : 4) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(5)),
        2 => JsonValue.Create("s" + random.Next(3)),
        3 => JsonValue.Create(random.Next(2) == 0),
        4 => new JsonArray([.. Enumerable.Range(0, random.Next(3)).Select(_ => RandomNode(random, depth - 1))]),
        _ => RandomObject(random, depth),
    };

    private static JsonObject RandomObject(Random random, int depth)
    {
        var o = new JsonObject();
        for (var i = random.Next(4); i > 0; i--)
        {
            o["k" + random.Next(5)] = RandomNode(random, depth - 1);
        }
        return o;
    }

    private static JsonNode? Mutate(Random random, JsonNode? node, int depth)
    {
        if (node is JsonObject o && random.Next(4) != 0)
        {
            for (var i = random.Next(3); i > 0; i--)
            {
                var key = "k" + random.Next(5);
                switch (random.Next(3))
                {
                    case 0:
                        o.Remove(key);
                        break;
                    case 1 when o[key] is JsonNode child:
                        var mutated = Mutate(random, child, depth - 1);
                        o.Remove(key);
                        o[key] = mutated;
                        break;
                    default:
                        o.Remove(key);
                        o[key] = RandomNode(random, depth - 1);
                        break;
                }
            }
            return o;
        }
        return random.Next(3) == 0 ? node : RandomNode(random, depth);
    }
}
