using System.Buffers;
using System.Globalization;
using System.Text;
using RxStreams.Protocol;

namespace RxStreams.Fuzzing.Wire;

/// <summary>The frames of the grammar, valid ones written by <see cref="FrameWriter"/>, with ids relative to the sequence.</summary>
public static class Parts
{
    private static uint Id(uint idBase, uint relative) => relative == 0 ? 0 : idBase + relative;

    private static byte[] Write(Action<ArrayBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static string Describe(string? payload) => payload is null ? "" : payload.Length <= 40 ? $" payload={payload}" : $" payload={payload.Length}B";

    public static FuzzPart Hello(uint version, string sessionId)
        => new($"HELLO v{version} session=\"{Short(sessionId)}\"", _ => Write(w => FrameWriter.WriteHello(w, version, sessionId)));

    public static FuzzPart Welcome()
        => new("WELCOME (from the client)", _ => Write(w => FrameWriter.WriteWelcome(w, 1, "x", false, 1000, 4096)));

    public static FuzzPart Open(uint relative, string route, uint credits, string? payload = null, StreamOffset? offset = null)
        => new(string.Create(CultureInfo.InvariantCulture, $"OPEN {relative} \"{Short(route)}\"{(offset is { } o ? " @" + o : "")} credits={credits}{Describe(payload)}"),
            b => Write(w => FrameWriter.WriteOpen(w, Id(b, relative), route, offset, credits, payload is null ? [] : Encoding.UTF8.GetBytes(payload), payload is not null)));

    public static FuzzPart Next(uint relative, string payload, StreamOffset? offset = null)
        => new($"NEXT {relative}{(offset is { } o ? " @" + o : "")}{Describe(payload)}", b => Write(w => FrameWriter.WriteNext(w, Id(b, relative), offset, Encoding.UTF8.GetBytes(payload))));

    public static FuzzPart Complete(uint relative) => new($"COMPLETE {relative}", b => Write(w => FrameWriter.WriteComplete(w, Id(b, relative))));

    public static FuzzPart Cancel(uint relative) => new($"CANCEL {relative}", b => Write(w => FrameWriter.WriteCancel(w, Id(b, relative))));

    public static FuzzPart Request(uint relative, uint n) => new($"REQUEST {relative} {n}", b => Write(w => FrameWriter.WriteRequest(w, Id(b, relative), n)));

    public static FuzzPart Error(uint relative, string code, string message)
        => new($"ERROR {relative} {code}", b => Write(w => FrameWriter.WriteError(w, Id(b, relative), code, message)));

    public static FuzzPart Ping() => new("PING", _ => [1, (byte)FrameType.Ping]);

    public static FuzzPart Pong() => new("PONG", _ => [1, (byte)FrameType.Pong]);

    /// <summary>Bytes that do not depend on the id base.</summary>
    public static FuzzPart Raw(string description, byte[] bytes) => new(description, _ => bytes);

    /// <summary>A frame built by hand for an id (e.g. with id 0, a REQUEST of 0, a bad code).</summary>
    public static FuzzPart Built(string description, Func<Func<uint, uint>, byte[]> build) => new(description, b => build(r => Id(b, r)));

    private static string Short(string text) => text.Length <= 40 ? text : text[..20] + $"…({text.Length} chars)";
}
