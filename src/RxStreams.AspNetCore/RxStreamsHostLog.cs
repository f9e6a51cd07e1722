using Microsoft.Extensions.Logging;

namespace RxStreams.AspNetCore;

/// <summary>Log messages of the host, with stable event ids 2000–2999.</summary>
internal static partial class RxStreamsHostLog
{
    [LoggerMessage(2001, LogLevel.Debug, "Connection {ConnectionId} opened from {Remote}.")]
    public static partial void Connected(ILogger logger, string connectionId, string remote);

    [LoggerMessage(2002, LogLevel.Debug, "Connection {ConnectionId} closed after {Frames} frames sent.")]
    public static partial void Disconnected(ILogger logger, string connectionId, long frames);

    [LoggerMessage(2003, LogLevel.Debug, "Connection {ConnectionId} handshake done: session {SessionId} (resumed: {Resumed}).")]
    public static partial void HandshakeDone(ILogger logger, string connectionId, string sessionId, bool resumed);

    [LoggerMessage(2004, LogLevel.Information, "Connection {ConnectionId} sent no HELLO in time and was closed.")]
    public static partial void HandshakeTimedOut(ILogger logger, string connectionId);

    [LoggerMessage(2005, LogLevel.Information, "Connection {ConnectionId} broke the protocol and was closed: {Reason}")]
    public static partial void ProtocolViolation(ILogger logger, string connectionId, string reason);

    [LoggerMessage(2006, LogLevel.Debug, "Connection {ConnectionId} was lost: {Reason}")]
    public static partial void ConnectionLost(ILogger logger, string connectionId, string reason);

    [LoggerMessage(2007, LogLevel.Error, "Connection {ConnectionId} failed unexpectedly and was closed.")]
    public static partial void ConnectionFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(2008, LogLevel.Debug, "Connection {ConnectionId}: stream refused ({Code}): {Reason}")]
    public static partial void Refused(ILogger logger, string connectionId, string code, string reason);

    [LoggerMessage(2009, LogLevel.Error, "The handler {Handler} of '{Route}' failed.")]
    public static partial void HandlerFailed(ILogger logger, string route, string handler, Exception exception);

    [LoggerMessage(2010, LogLevel.Information, "Connection {ConnectionId}: invalid payload on '{Route}': {Reason}")]
    public static partial void InvalidPayload(ILogger logger, string connectionId, string route, string reason);

    [LoggerMessage(2011, LogLevel.Warning, "Connection {ConnectionId}: stream {StreamId} on '{Route}' ended: the client reads too slowly.")]
    public static partial void SlowConsumerStream(ILogger logger, string connectionId, uint streamId, string route);

    [LoggerMessage(2012, LogLevel.Warning, "Connection {ConnectionId} closed: the client reads too slowly ({Pending} bytes pending).")]
    public static partial void SlowConsumerConnection(ILogger logger, string connectionId, long pending);

    [LoggerMessage(2013, LogLevel.Information, "Connection {ConnectionId} closed: nothing received within the client timeout.")]
    public static partial void KeepAliveTimedOut(ILogger logger, string connectionId);

    [LoggerMessage(2014, LogLevel.Warning, "A WebSocket from origin '{Origin}' was refused (not in RxStreamsOptions.AllowedOrigins).")]
    public static partial void OriginRefused(ILogger logger, string origin);

    [LoggerMessage(2015, LogLevel.Warning, "The session store failed; the client gets a fresh session.")]
    public static partial void SessionStoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(2016, LogLevel.Warning, "Releasing the stream '{Route}' failed.")]
    public static partial void ReleaseFailed(ILogger logger, string route, Exception exception);

    [LoggerMessage(2017, LogLevel.Error, "Authorizing a stream on '{Route}' failed.")]
    public static partial void AuthorizationFailed(ILogger logger, string route, Exception exception);

    [LoggerMessage(2018, LogLevel.Debug, "Connection {ConnectionId}: the client ended the connection with {Code}: {Reason}")]
    public static partial void ClientError(ILogger logger, string connectionId, string code, string reason);

    [LoggerMessage(2040, LogLevel.Information, "Draining {Connections} connections: they are told to move; requests in flight get up to {Timeout} to finish.")]
    public static partial void DrainStarted(ILogger logger, int connections, TimeSpan timeout);

    [LoggerMessage(2041, LogLevel.Information, "Drained: every connection moved after {Elapsed} ms; {Remaining} left were closed at the drain timeout.")]
    public static partial void DrainFinished(ILogger logger, long elapsed, int remaining);
}
