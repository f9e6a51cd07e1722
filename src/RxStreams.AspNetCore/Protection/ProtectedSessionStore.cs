using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using RxStreams.Sessions;

namespace RxStreams.AspNetCore.Protection;

/// <summary>
/// A session store that keeps, in the store it wraps, only the session's id and times in clear: its user and its
/// streams (routes and offsets) are encrypted with ASP.NET Core Data Protection into one sealed value. A session that
/// does not decrypt, or that was stored unprotected, is treated as unknown: the client gets a fresh session.
/// </summary>
internal sealed class ProtectedSessionStore(IStreamSessionStore inner, IDataProtector protector, ILogger logger) : IStreamSessionStore
{
    /// <summary>What a sealed user field starts with (a version, so the format can change).</summary>
    internal const string Prefix = "rxs-dp1:";

    public async ValueTask<StreamSession?> GetAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        var stored = await inner.GetAsync(sessionId, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }
        if (!stored.User.StartsWith(Prefix, StringComparison.Ordinal) || stored.Streams.Count != 0)
        {
            ProtectionLog.SessionUnprotected(logger, sessionId);
            return null;
        }
        try
        {
            var sealedBytes = Base64Url.DecodeFromChars(stored.User.AsSpan(Prefix.Length));
            var (id, user, streams) = Read(protector.Unprotect(sealedBytes));
            if (id != stored.Id)
            {
                // Sealed for another session and copied here: refuse it as if tampered with.
                throw new CryptographicException("The sealed session belongs to another session id.");
            }
            return stored with { User = user, Streams = streams };
        }
        catch (Exception e) when (e is CryptographicException or FormatException or JsonException)
        {
            ProtectionLog.SessionUndecryptable(logger, sessionId, e);
            return null;
        }
    }

    public ValueTask SetAsync(StreamSession session, TimeSpan timeToLive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var sealedUser = Prefix + Base64Url.EncodeToString(protector.Protect(Write(session)));
        return inner.SetAsync(session with { User = sealedUser, Streams = [] }, timeToLive, cancellationToken);
    }

    public ValueTask RemoveAsync(string sessionId, CancellationToken cancellationToken = default)
        => inner.RemoveAsync(sessionId, cancellationToken);

    private static byte[] Write(StreamSession session)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", session.Id);
            writer.WriteString("user", session.User);
            SessionStreamsJson.Write(writer, session.Streams);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static (string Id, string User, IReadOnlyList<SessionStream> Streams) Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        string? id = null, user = null;
        var streams = new List<SessionStream>();
        Expect(ref reader, JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "id": id = reader.GetString(); break;
                case "user": user = reader.GetString(); break;
                case "streams" when reader.TokenType == JsonTokenType.StartArray:
                    streams = SessionStreamsJson.Read(ref reader, strict: true);
                    break;
                default: reader.Skip(); break;
            }
        }
        return (id ?? throw new FormatException("A sealed session has no id."), user ?? throw new FormatException("A sealed session has no user."), streams);
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (!reader.Read() || reader.TokenType != type)
        {
            throw new FormatException("A sealed session is not a JSON object.");
        }
    }
}
