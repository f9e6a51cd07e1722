using System.Text.Json;
using RxStreams.Serialization;

namespace RxStreams.Models;

/// <summary>
/// One change of a model as its change channel holds it: <c>{"v":version,"p":patch}</c>. The node reads each once
/// (the hub shares the channel's feed) and every client stream of the node sends <see cref="Encoded"/> as it is.
/// </summary>
internal sealed class ModelChange
{
    public ModelChange(long version, byte[] encoded, Range patch)
    {
        Version = version;
        Encoded = encoded;
        Patch = patch;
    }

    /// <summary>The version this change makes.</summary>
    public long Version { get; }

    /// <summary>The whole item, as stored and as sent.</summary>
    public byte[] Encoded { get; }

    /// <summary>Where the merge patch is in <see cref="Encoded"/>.</summary>
    public Range Patch { get; }

    public ReadOnlySpan<byte> PatchSpan => Encoded.AsSpan()[Patch];

    /// <summary>Reads the change channel's items (a value the reader is positioned on, copied out whole).</summary>
    public sealed class Serializer : IStreamSerializer<ModelChange>
    {
        public static readonly Serializer Instance = new();

        public void Write(Utf8JsonWriter writer, ModelChange value) => writer.WriteRawValue(value.Encoded, skipInputValidation: true);

        public ModelChange Read(ref Utf8JsonReader reader)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            var encoded = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(document.RootElement).ToArray();
            var (version, snapshot, patch) = ModelWire.Read(encoded);
            if (snapshot)
            {
                throw new JsonException("A model's change channel holds changes (\"p\"), not snapshots.");
            }
            return new ModelChange(version, encoded, patch);
        }
    }
}
