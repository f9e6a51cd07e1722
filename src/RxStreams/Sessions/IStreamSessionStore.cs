namespace RxStreams.Sessions;

/// <summary>
/// Where sessions live: in memory by default, in Redis when scaled out, so a client that reconnects to any node is
/// recognized (its session id, its user, the streams it had and the offsets they reached).
/// </summary>
public interface IStreamSessionStore
{
    /// <summary>The session, or null when unknown or expired.</summary>
    ValueTask<StreamSession?> GetAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Stores the session; it expires <paramref name="timeToLive"/> after this call.</summary>
    ValueTask SetAsync(StreamSession session, TimeSpan timeToLive, CancellationToken cancellationToken = default);

    /// <summary>Forgets a session.</summary>
    ValueTask RemoveAsync(string sessionId, CancellationToken cancellationToken = default);
}
