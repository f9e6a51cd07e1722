using RxStreams.Sessions;
using StackExchange.Redis;

namespace RxStreams.Redis;

/// <summary>
/// Sessions in Redis (one string per session, expiring with it), so a client resumes its session on any node:
/// no sticky sessions. Uses the backplane's connection.
/// </summary>
internal sealed class RedisSessionStore(RedisConnection connection, RedisKeys keys) : IStreamSessionStore
{
    public async ValueTask<StreamSession?> GetAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        var value = await connection.ExecuteAsync("GET", [keys.Session(sessionId)], cancellationToken).ConfigureAwait(false);
        if (value.IsNull)
        {
            return null;
        }
        try
        {
            return RedisProtocol.ReadSession((byte[])value!);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            return null; // written by an incompatible version: a fresh session is the safe answer
        }
    }

    public async ValueTask SetAsync(StreamSession session, TimeSpan timeToLive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var ms = Math.Max(1, (long)timeToLive.TotalMilliseconds);
        await connection.ExecuteAsync("SET", [keys.Session(session.Id), RedisProtocol.WriteSession(session), "PX", ms], cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask RemoveAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        await connection.ExecuteAsync("DEL", [keys.Session(sessionId)], cancellationToken).ConfigureAwait(false);
    }
}
