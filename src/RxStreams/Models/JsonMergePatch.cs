using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RxStreams.Models;

/// <summary>
/// JSON merge patch (RFC 7386): <see cref="Diff(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> computes the patch that
/// turns one JSON document into another, <see cref="Apply(JsonNode?, JsonNode?)"/> applies one. Objects are compared
/// member by member (a member removed becomes <c>null</c> in the patch); anything else that differs (arrays included,
/// as the RFC says) is replaced whole. Built on <see cref="JsonNode"/> parsed from bytes: no reflection.
/// </summary>
/// <remarks>
/// A merge patch cannot say "set this member to null": null removes it. Diffing two states where a member went from
/// a value to null therefore removes the member, and applying gives the state without it, which the generated
/// serializers read back as the member's default (null). Models never depend on the difference.
/// </remarks>
internal static class JsonMergePatch
{
    private static readonly JsonNodeOptions s_nodeOptions = new() { PropertyNameCaseInsensitive = false };
    private static readonly JsonDocumentOptions s_documentOptions = new() { MaxDepth = 64 };
    private static readonly JsonWriterOptions s_writerOptions = new() { SkipValidation = false };

    /// <summary>
    /// The merge patch from <paramref name="original"/> to <paramref name="modified"/> (both UTF-8 JSON), or null when
    /// they are equal.
    /// </summary>
    /// <exception cref="JsonException">Either is not JSON.</exception>
    public static byte[]? Diff(ReadOnlySpan<byte> original, ReadOnlySpan<byte> modified)
    {
        var patch = Diff(Parse(original), Parse(modified), out var changed);
        return changed ? ToBytes(patch) : null;
    }

    /// <summary>
    /// The merge patch from <paramref name="original"/> to <paramref name="modified"/>; <paramref name="changed"/> is
    /// false (and the result meaningless) when they are equal. The result shares no node with either argument.
    /// </summary>
    public static JsonNode? Diff(JsonNode? original, JsonNode? modified, out bool changed)
    {
        if (original is JsonObject from && modified is JsonObject to)
        {
            JsonObject? patch = null;
            foreach (var (name, oldValue) in from)
            {
                // Missing and null are the same to a merge patch: nothing to remove when the old value was null.
                if (oldValue is not null && (!to.TryGetPropertyValue(name, out var newValue) || newValue is null))
                {
                    (patch ??= new JsonObject(s_nodeOptions))[name] = null;
                }
            }
            foreach (var (name, newValue) in to)
            {
                if (newValue is null)
                {
                    continue;
                }
                from.TryGetPropertyValue(name, out var oldValue);
                if (oldValue is null)
                {
                    (patch ??= new JsonObject(s_nodeOptions))[name] = newValue.DeepClone();
                    continue;
                }
                var member = Diff(oldValue, newValue, out var memberChanged);
                if (memberChanged)
                {
                    // A member whose new value is an object but whose old one was not: the whole new object, which
                    // Diff returned; two objects: their patch. Either way, merging it gives the new value.
                    (patch ??= new JsonObject(s_nodeOptions))[name] = member;
                }
            }
            changed = patch is not null;
            return patch;
        }
        changed = !JsonNode.DeepEquals(original, modified);
        // A patch that is not an object replaces the whole target (null included: the target becomes null).
        return changed ? modified?.DeepClone() : null;
    }

    /// <summary>
    /// Applies <paramref name="patch"/> to <paramref name="target"/> as RFC 7386 says, and returns the result. The target
    /// may be changed in place (and returned); the patch is never changed, nor any of its nodes taken.
    /// </summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject members)
        {
            return patch?.DeepClone();
        }
        if (target is not JsonObject result)
        {
            result = new JsonObject(s_nodeOptions);
        }
        foreach (var (name, value) in members)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                result.TryGetPropertyValue(name, out var current);
                var merged = Apply(current, value);
                if (current is not null && ReferenceEquals(merged, current))
                {
                    continue;
                }
                if (current is not null)
                {
                    // A node has one parent: detach the old value before putting the merged one in its place.
                    result.Remove(name);
                }
                result[name] = merged;
            }
        }
        return result;
    }

    /// <summary>Applies a patch to a document, both UTF-8 JSON, and returns the resulting document.</summary>
    /// <exception cref="JsonException">Either is not JSON.</exception>
    public static byte[] Apply(ReadOnlySpan<byte> target, ReadOnlySpan<byte> patch)
        => ToBytes(Apply(Parse(target), Parse(patch)));

    /// <summary>Parses UTF-8 JSON into a node tree (null for the JSON literal <c>null</c>).</summary>
    /// <exception cref="JsonException">The bytes are not one JSON value.</exception>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = s_documentOptions.MaxDepth });
        var node = JsonNode.Parse(ref reader, s_nodeOptions);
        if (reader.Read())
        {
            throw new JsonException("The JSON has data after its value.");
        }
        return node;
    }

    /// <summary>Writes a node tree as compact UTF-8 JSON (<c>null</c> for null).</summary>
    public static byte[] ToBytes(JsonNode? node)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            if (node is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                node.WriteTo(writer);
            }
        }
        return buffer.WrittenSpan.ToArray();
    }
}
