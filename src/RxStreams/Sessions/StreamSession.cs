namespace RxStreams.Sessions;

/// <summary>A client session: what survives its reconnections.</summary>
/// <param name="Id">The session id (unguessable; the client presents it in HELLO).</param>
/// <param name="User">The user the session belongs to (a session is never resumed by another user).</param>
/// <param name="CreatedAt">When the session began.</param>
/// <param name="LastSeen">When a connection of the session was last active.</param>
/// <param name="Streams">The resumable streams the session had open, with the last offset sent on each.</param>
public sealed record StreamSession(string Id, string User, DateTimeOffset CreatedAt, DateTimeOffset LastSeen, IReadOnlyList<SessionStream> Streams);

/// <summary>A stream of a session.</summary>
/// <param name="Route">The route.</param>
/// <param name="Offset">The last offset sent on it, if it is resumable.</param>
public sealed record SessionStream(string Route, StreamOffset? Offset);
