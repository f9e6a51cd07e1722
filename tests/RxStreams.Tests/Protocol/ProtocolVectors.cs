using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RxStreams.Protocol;

namespace RxStreams.Tests.Protocol;

/// <summary>A valid vector of docs/protocol-vectors.json: a whole message and the frames it holds.</summary>
internal sealed record ValidVector(string Name, byte[] Bytes, IReadOnlyList<Frame> Frames, int MaxFrameSize);

/// <summary>An invalid vector of docs/protocol-vectors.json: a message and the code its rejection carries.</summary>
internal sealed record InvalidVector(string Name, byte[] Bytes, string Code, int MaxFrameSize);

/// <summary>Loads docs/protocol-vectors.json (copied next to the test assembly) strictly: an unknown field fails.</summary>
internal static class ProtocolVectors
{
    private static readonly Lazy<(int Version, int DefaultMax, List<ValidVector> Valid, List<InvalidVector> Invalid)> s_file = new(Load);

    public static string FilePath => Path.Combine(AppContext.BaseDirectory, "Protocol", "protocol-vectors.json");

    public static int Version => s_file.Value.Version;

    public static int DefaultMaxFrameSize => s_file.Value.DefaultMax;

    public static IReadOnlyList<ValidVector> Valid => s_file.Value.Valid;

    public static IReadOnlyList<InvalidVector> Invalid => s_file.Value.Invalid;

    public static ValidVector GetValid(string name) => Valid.Single(v => v.Name == name);

    public static InvalidVector GetInvalid(string name) => Invalid.Single(v => v.Name == name);

    public static TheoryData<string> ValidNames() => new(Valid.Select(v => v.Name));

    public static TheoryData<string> InvalidNames() => new(Invalid.Select(v => v.Name));

    private static (int, int, List<ValidVector>, List<InvalidVector>) Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(FilePath));
        var root = document.RootElement;
        var version = root.GetProperty("version").GetInt32();
        var defaultMax = root.GetProperty("defaultMaxFrameSize").GetInt32();
        var valid = root.GetProperty("valid").EnumerateArray().Select(e =>
        {
            AllowOnly(e, "name", "hex", "frames", "maxFrameSize");
            var name = e.GetProperty("name").GetString()!;
            var frames = e.GetProperty("frames").EnumerateArray().Select(f => ToFrame(f, name)).ToList();
            return new ValidVector(name, Convert.FromHexString(e.GetProperty("hex").GetString()!), frames, MaxFrameSize(e, defaultMax));
        }).ToList();
        var invalid = root.GetProperty("invalid").EnumerateArray().Select(e =>
        {
            AllowOnly(e, "name", "hex", "code", "maxFrameSize");
            return new InvalidVector(
                e.GetProperty("name").GetString()!,
                Convert.FromHexString(e.GetProperty("hex").GetString()!),
                e.GetProperty("code").GetString()!,
                MaxFrameSize(e, defaultMax));
        }).ToList();
        return (version, defaultMax, valid, invalid);
    }

    private static int MaxFrameSize(JsonElement e, int defaultMax)
        => e.TryGetProperty("maxFrameSize", out var max) ? max.GetInt32() : defaultMax;

    private static Frame ToFrame(JsonElement f, string vector)
    {
        var type = f.GetProperty("type").GetString() switch
        {
            "hello" => FrameType.Hello,
            "welcome" => FrameType.Welcome,
            "open" => FrameType.Open,
            "next" => FrameType.Next,
            "complete" => FrameType.Complete,
            "error" => FrameType.Error,
            "cancel" => FrameType.Cancel,
            "request" => FrameType.Request,
            "ping" => FrameType.Ping,
            "pong" => FrameType.Pong,
            var other => throw new InvalidDataException($"{vector}: unknown frame type \"{other}\"."),
        };
        string[] fields = type switch
        {
            FrameType.Hello => ["version", "sessionId"],
            FrameType.Welcome => ["version", "sessionId", "resumed", "keepAliveMilliseconds", "maxFrameSize"],
            FrameType.Open => ["streamId", "route", "offset", "credits", "payload"],
            FrameType.Next => ["streamId", "offset", "payload"],
            FrameType.Error => ["streamId", "code", "message", "offset"],
            FrameType.Request => ["streamId", "n"],
            FrameType.Complete or FrameType.Cancel => ["streamId"],
            _ => [],
        };
        AllowOnly(f, ["type", .. fields]);

        var hasPayload = type == FrameType.Next || f.TryGetProperty("payload", out _);
        return new Frame
        {
            Type = type,
            StreamId = U32(f, "streamId"),
            Offset = f.TryGetProperty("offset", out var offset) ? StreamOffset.Parse(offset.GetString()!, CultureInfo.InvariantCulture) : null,
            HasPayload = hasPayload,
            Payload = f.TryGetProperty("payload", out var payload)
                ? new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(payload.GetString()!))
                : default,
            Route = f.TryGetProperty("route", out var route) ? route.GetString() : null,
            Credits = type == FrameType.Request ? U32(f, "n") : U32(f, "credits"),
            Code = f.TryGetProperty("code", out var code) ? code.GetString() : null,
            Message = f.TryGetProperty("message", out var message) ? message.GetString() : null,
            Version = U32(f, "version"),
            SessionId = f.TryGetProperty("sessionId", out var session) ? session.GetString() : null,
            Resumed = f.TryGetProperty("resumed", out var resumed) && resumed.GetBoolean(),
            KeepAliveMilliseconds = U32(f, "keepAliveMilliseconds"),
            MaxFrameSize = U32(f, "maxFrameSize"),
        };
    }

    private static uint U32(JsonElement f, string name) => f.TryGetProperty(name, out var value) ? value.GetUInt32() : 0;

    private static void AllowOnly(JsonElement e, params string[] names)
    {
        foreach (var property in e.EnumerateObject())
        {
            if (!names.Contains(property.Name))
            {
                throw new InvalidDataException($"Unexpected field \"{property.Name}\" in {e}.");
            }
        }
    }
}
