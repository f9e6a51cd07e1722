using Microsoft.Extensions.Logging;

namespace RxStreams.Servers;

/// <summary>Log messages of client-hosted stream servers (event ids 1101–1199, in the hub's range).</summary>
internal static partial class ServersLog
{
    [LoggerMessage(1101, LogLevel.Information, "Connection {ConnectionId} serves '{Name}'.")]
    public static partial void Listening(ILogger logger, string name, string connectionId);

    [LoggerMessage(1102, LogLevel.Information, "'{Name}' is no longer served.")]
    public static partial void Stopped(ILogger logger, string name);

    [LoggerMessage(1103, LogLevel.Warning, "A message of proxied stream {ProxyId} could not be sent.")]
    public static partial void SendFailed(ILogger logger, string proxyId, Exception exception);

    [LoggerMessage(1104, LogLevel.Warning, "A node-bus message could not be read and was dropped.")]
    public static partial void BadMessage(ILogger logger);
}
