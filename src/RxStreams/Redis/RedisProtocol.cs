using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using RxStreams.Backplanes;
using StackExchange.Redis;

namespace RxStreams.Redis;

/// <summary>
/// The format of every value the Redis backplane writes, in one place (the Lua scripts in <see cref="RedisScripts"/>
/// follow it too). Payloads are the hub's bytes, stored as they are.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Durable channel and queue entries: a field <see cref="PayloadField"/> holding the payload, and on a durable
/// channel item whose publish was traced a field <see cref="TraceField"/> holding its W3C <c>traceparent</c>. The entry
/// id is the offset; its milliseconds are the timestamp.</item>
/// <item>Ephemeral messages: a version byte (1), the publish time as 8 bytes big-endian Unix milliseconds, the payload.</item>
/// <item>Presence: a member is the JSON <c>{"id":…,"user":…,"data":…}</c>; the members hash holds
/// <c>owner-token|member-json</c>; events are <c>J|member-json</c> (joined), <c>U|…</c> (updated), <c>L|…</c> (left).</item>
/// <item>Live wake-ups carry the appended entry id; queue wake-ups are <c>n</c> (items added) or <c>r</c> (items released).</item>
/// </list>
/// </remarks>
internal static class RedisProtocol
{
    /// <summary>The payload field of a stream entry (UTF-8).</summary>
    public static ReadOnlySpan<byte> PayloadField => "p"u8;

    /// <summary>The field of a durable channel entry holding its publisher's W3C <c>traceparent</c>, when the publish was traced.</summary>
    public static ReadOnlySpan<byte> TraceField => "t"u8;

    /// <summary>Queue wake-up: an item was added.</summary>
    public const string QueueItemAdded = "n";

    /// <summary>Queue wake-up: a consumer released its pending items; they can be claimed now.</summary>
    public const string QueueItemsReleased = "r";

    /// <summary>The longest entry id: two 20-digit numbers and a dash.</summary>
    private const int MaxIdLength = 41;

    private const byte EphemeralVersion = 1;
    private const int EphemeralHeader = 9;

    // ---- Ephemeral ----

    public static byte[] WriteEphemeral(ReadOnlySpan<byte> payload, DateTimeOffset now)
    {
        var message = new byte[EphemeralHeader + payload.Length];
        message[0] = EphemeralVersion;
        BinaryPrimitives.WriteInt64BigEndian(message.AsSpan(1), now.ToUnixTimeMilliseconds());
        payload.CopyTo(message.AsSpan(EphemeralHeader));
        return message;
    }

    /// <summary>Reads an ephemeral message as the entry its subscribers get (no offset; the payload is not copied).</summary>
    public static bool TryReadEphemeral(byte[]? message, out BackplaneEntry entry)
    {
        if (message is null || message.Length < EphemeralHeader || message[0] != EphemeralVersion)
        {
            entry = default;
            return false;
        }
        var ms = BinaryPrimitives.ReadInt64BigEndian(message.AsSpan(1));
        entry = new BackplaneEntry(default, DateTimeOffset.FromUnixTimeMilliseconds(ms), message.AsMemory(EphemeralHeader));
        return true;
    }

    // ---- Stream entries ----

    /// <summary>
    /// A payload as the array StackExchange.Redis sends: the caller's own array when the memory spans all of it (as the
    /// hub's freshly serialized payloads do; payloads are never modified once handed to a backplane, the in-memory one
    /// keeps them as they are), else a copy.
    /// </summary>
    public static byte[] PayloadArray(ReadOnlyMemory<byte> payload)
        => MemoryMarshal.TryGetArray(payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : payload.ToArray();

    /// <summary>The offset of an entry id as Redis returns it.</summary>
    public static StreamOffset ParseOffset(RedisResult id)
        => TryParseOffset((byte[]?)id, out var offset) ? offset : throw new FormatException($"'{(string?)id}' is not a stream entry id.");

    /// <summary>Parses an entry id as Redis sends it (ASCII <c>ms-seq</c>) without making a string of it: once per entry read and per wake-up.</summary>
    public static bool TryParseOffset(ReadOnlySpan<byte> id, out StreamOffset offset)
    {
        Span<char> chars = stackalloc char[MaxIdLength];
        if (id.Length > MaxIdLength)
        {
            offset = default;
            return false;
        }
        var length = Encoding.ASCII.GetChars(id, chars);
        return StreamOffset.TryParse(chars[..length], null, out offset);
    }

    /// <summary>Optional offset: a nil result is null.</summary>
    public static StreamOffset? ParseOptionalOffset(RedisResult id) => id.IsNull ? null : ParseOffset(id);

    /// <summary>The timestamp of an entry: the milliseconds of its id.</summary>
    public static DateTimeOffset TimestampOf(StreamOffset offset)
        => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Min(offset.Major, (ulong)DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()));

    /// <summary>Reads an entry as the typed stream commands return it; false when it was deleted or has no payload.</summary>
    public static bool TryReadEntry(StreamEntry entry, out StreamOffset id, out ReadOnlyMemory<byte> payload)
    {
        id = default;
        payload = default;
        if (entry.IsNull || !TryParseOffset((byte[]?)entry.Id, out id) || entry.Values is not { } values)
        {
            return false;
        }
        foreach (var field in values)
        {
            if (((byte[]?)field.Name).AsSpan().SequenceEqual(PayloadField))
            {
                payload = (byte[]?)field.Value ?? [];
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Reads one <c>[id, [field, value, …]]</c> entry, with its trace context (field <see cref="TraceField"/>) when it
    /// has one and <paramref name="withTrace"/> asks for it; false when the entry was deleted (nil fields).
    /// </summary>
    public static bool TryReadEntry(RedisResult entry, bool withTrace, out StreamOffset id, out ReadOnlyMemory<byte> payload, out string? traceParent)
    {
        id = default;
        payload = default;
        traceParent = null;
        if (entry.IsNull)
        {
            return false;
        }
        return TryReadEntry((RedisResult[])entry!, withTrace, out id, out payload, out traceParent);
    }

    /// <summary>Reads an entry given as its parts: <c>id, [field, value, …]</c> (more parts may follow).</summary>
    private static bool TryReadEntry(RedisResult[] parts, bool withTrace, out StreamOffset id, out ReadOnlyMemory<byte> payload, out string? traceParent)
    {
        id = default;
        payload = default;
        traceParent = null;
        if (parts.Length < 2 || parts[0].IsNull)
        {
            return false;
        }
        id = ParseOffset(parts[0]);
        if (parts[1].IsNull)
        {
            return false;
        }
        var fields = (RedisResult[])parts[1]!;
        var found = false;
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            var name = ((byte[]?)fields[i]).AsSpan();
            if (name.SequenceEqual(PayloadField))
            {
                payload = (byte[]?)fields[i + 1] ?? [];
                found = true;
            }
            else if (withTrace && name.SequenceEqual(TraceField))
            {
                traceParent = (string?)fields[i + 1];
            }
        }
        return found;
    }

    // ---- Sessions ----

    /// <summary>A session as JSON: <c>{"id","user","created","seen","streams":[{"route","offset"?}]}</c>, times in Unix ms.</summary>
    public static byte[] WriteSession(Sessions.StreamSession session)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", session.Id);
            writer.WriteString("user", session.User);
            writer.WriteNumber("created", session.CreatedAt.ToUnixTimeMilliseconds());
            writer.WriteNumber("seen", session.LastSeen.ToUnixTimeMilliseconds());
            Sessions.SessionStreamsJson.Write(writer, session.Streams);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static Sessions.StreamSession ReadSession(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        string? id = null, user = null;
        long created = 0, seen = 0;
        var streams = new List<Sessions.SessionStream>();
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new FormatException("A session is not a JSON object.");
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "id": id = reader.GetString(); break;
                case "user": user = reader.GetString(); break;
                case "created": created = reader.GetInt64(); break;
                case "seen": seen = reader.GetInt64(); break;
                case "streams" when reader.TokenType == JsonTokenType.StartArray:
                    streams = Sessions.SessionStreamsJson.Read(ref reader, strict: false);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        return new Sessions.StreamSession(
            id ?? throw new FormatException("A session has no id."), user ?? "",
            DateTimeOffset.FromUnixTimeMilliseconds(created), DateTimeOffset.FromUnixTimeMilliseconds(seen), streams);
    }

    // ---- Presence ----

    public static string WriteMember(PresenceMember member)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", member.Id);
            writer.WriteString("user", member.User);
            if (member.Data is { } data)
            {
                writer.WriteString("data", data);
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static PresenceMember ReadMember(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        string? id = null, user = null, data = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new FormatException("A presence member is not a JSON object.");
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            var value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
            switch (name)
            {
                case "id": id = value; break;
                case "user": user = value; break;
                case "data": data = value; break;
            }
        }
        return new PresenceMember(id ?? throw new FormatException("A presence member has no id."), user ?? "", data);
    }

    public static bool TryReadPresenceEvent(byte[]? message, out PresenceEvent presenceEvent)
    {
        presenceEvent = null!;
        if (message is null || message.Length < 3 || message[1] != (byte)'|')
        {
            return false;
        }
        PresenceEventKind kind;
        switch (message[0])
        {
            case (byte)'J': kind = PresenceEventKind.Joined; break;
            case (byte)'U': kind = PresenceEventKind.Updated; break;
            case (byte)'L': kind = PresenceEventKind.Left; break;
            default: return false;
        }
        try
        {
            presenceEvent = new PresenceEvent(kind, ReadMember(message.AsSpan(2)));
            return true;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return false;
        }
    }
}
