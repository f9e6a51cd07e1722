using Microsoft.Extensions.Logging;

namespace RxStreams.Client;

/// <summary>Log messages of the .NET client, with stable event ids 4000–4999.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(4001, LogLevel.Information, "Connected to {Endpoint}: session {SessionId} (resumed: {Resumed}).")]
    public static partial void Connected(ILogger logger, Uri endpoint, string sessionId, bool resumed);

    [LoggerMessage(4002, LogLevel.Information, "Disconnected: {Reason}.")]
    public static partial void Disconnected(ILogger logger, string reason);

    [LoggerMessage(4003, LogLevel.Debug, "The connection dropped: {Reason}")]
    public static partial void ConnectionDropped(ILogger logger, string reason);

    [LoggerMessage(4004, LogLevel.Information, "Reconnection attempt {Attempt} failed: {Reason}")]
    public static partial void ReconnectFailed(ILogger logger, int attempt, string reason);

    [LoggerMessage(4005, LogLevel.Warning, "The server sent nothing for {Timeout}; reconnecting.")]
    public static partial void ServerTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(4006, LogLevel.Information, "The server closed the connection with {Code}: {Message}")]
    public static partial void ServerClosed(ILogger logger, string code, string message);

    [LoggerMessage(4007, LogLevel.Warning, "{Kind} on '{Route}': {Message}")]
    public static partial void Event(ILogger logger, ClientEventKind kind, string route, string message);

    [LoggerMessage(4008, LogLevel.Warning, "An observer of the client's events threw.")]
    public static partial void ObserverThrew(ILogger logger, Exception exception);

    [LoggerMessage(4009, LogLevel.Error, "The reconnect policy threw; the client stops reconnecting.")]
    public static partial void ReconnectPolicyFailed(ILogger logger, Exception exception);

    [LoggerMessage(4040, LogLevel.Information, "The server is draining: new streams wait for the next connection, which is made as soon as this one closes, without a backoff delay.")]
    public static partial void Moving(ILogger logger);
}
