using Microsoft.Extensions.Logging;

namespace RxStreams.Models;

/// <summary>Log messages of realtime models (event ids 1201–1299, in the hub's range).</summary>
internal static partial class ModelsLog
{
    [LoggerMessage(1201, LogLevel.Debug, "Model '{Model}': version {Version} was written by another writer first; retrying (attempt {Attempt}).")]
    public static partial void UpdateConflict(ILogger logger, string model, long version, int attempt);

    [LoggerMessage(1202, LogLevel.Information, "Model '{Model}': a reader at version {Version} missed changes the history no longer holds; it gets a fresh snapshot.")]
    public static partial void Resnapshot(ILogger logger, string model, long version);

    [LoggerMessage(1203, LogLevel.Warning, "Model '{Model}': an edit failed with an unexpected error; the client was told it was refused.")]
    public static partial void EditFailed(ILogger logger, string model, Exception exception);
}
