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
        var value = await connection.RunAsync("GET", static (db, key) => db.StringGetAsync(key), keys.Session(sessionId), cancellationToken).ConfigureAwait(false);
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
        var expiry = TimeSpan.FromMilliseconds(Math.Max(1, (long)timeToLive.TotalMilliseconds));
        await connection.RunAsync("SET", static (db, s) => db.StringSetAsync(s.Key, s.Value, s.Expiry), (Key: keys.Session(session.Id), Value: (RedisValue)RedisProtocol.WriteSession(session), Expiry: expiry), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask RemoveAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        await connection.RunAsync("DEL", static (db, key) => db.KeyDeleteAsync(key), keys.Session(sessionId), cancellationToken).ConfigureAwait(false);
    }
}
