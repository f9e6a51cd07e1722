using Microsoft.Extensions.Logging;

namespace RxStreams.AspNetCore.Admin;

/// <summary>The admin page's log messages (event ids 2800–2899).</summary>
internal static partial class AdminLog
{
    [LoggerMessage(2800, LogLevel.Information, "The RxStreams admin page is mapped at '{Pattern}' for the policy '{Policy}'; node {Node} ('{Name}') publishes its figures every {Interval}.")]
    public static partial void Mapped(ILogger logger, string pattern, string policy, string node, string name, TimeSpan interval);

    [LoggerMessage(2801, LogLevel.Warning, "Publishing this node's admin snapshot on the backplane failed; the other nodes' admin pages will drop this node until it succeeds again.")]
    public static partial void PublishFailed(ILogger logger, Exception exception);

    [LoggerMessage(2802, LogLevel.Information, "Publishing this node's admin snapshot works again.")]
    public static partial void PublishRecovered(ILogger logger);

    [LoggerMessage(2803, LogLevel.Warning, "An admin snapshot on the backplane could not be read; it is ignored.")]
    public static partial void UndecodableSnapshot(ILogger logger, Exception exception);
}
