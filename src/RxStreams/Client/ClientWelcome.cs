namespace RxStreams.Client;

/// <summary>What a server's WELCOME told the client.</summary>
/// <param name="SessionId">The session, resumed or new.</param>
/// <param name="MaxFrameSize">The largest message the server accepts.</param>
/// <param name="KeepAlive">How often the server pings.</param>
/// <param name="Resumed">True when the server resumed the session the client asked for.</param>
internal readonly record struct ClientWelcome(string SessionId, int MaxFrameSize, TimeSpan KeepAlive, bool Resumed);
