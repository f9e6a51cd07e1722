using System.Text.Json;
using RxStreams.Serialization;

namespace RxStreams.Client;

/// <summary>An item of a model stream as the client receives it: its JSON, read whole (see docs/protocol.md 7.10).</summary>
internal sealed class ClientModelMessage(byte[] json)
{
    public byte[] Json { get; } = json;

    public sealed class Serializer : IStreamSerializer<ClientModelMessage>
    {
        public static readonly Serializer Instance = new();

        public void Write(Utf8JsonWriter writer, ClientModelMessage value) => writer.WriteRawValue(value.Json, skipInputValidation: true);

        public ClientModelMessage Read(ref Utf8JsonReader reader)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            return new ClientModelMessage(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(document.RootElement).ToArray());
        }
    }
}
