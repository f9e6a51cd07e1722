using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RxStreams.Fuzzing.Host;

/// <summary>
/// Records what the server logs that a fuzz run must never cause: any Error or Critical entry (an unhandled exception,
/// a connection failing unexpectedly) and, whatever their level, the host's ConnectionFailed (2007) and
/// HandlerFailed (2009) events. Counts the warnings by event id for the report.
/// </summary>
public sealed class LogRecorder : ILoggerProvider
{
    public const int ConnectionFailedEventId = 2007;
    public const int HandlerFailedEventId = 2009;

    private readonly ConcurrentQueue<string> _failures = new();
    private readonly ConcurrentDictionary<string, int> _warnings = new();

    /// <summary>The entries that are findings, in the order they were logged.</summary>
    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary>How many failure entries are kept for the report.</summary>
    public const int Kept = 200;

    private int _failureCount;

    /// <summary>Warnings by "category/event id", e.g. slow consumers.</summary>
    public IReadOnlyDictionary<string, int> Warnings => _warnings;

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Recorder(LogRecorder owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error || eventId.Id is ConnectionFailedEventId or HandlerFailedEventId)
            {
                var entry = $"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)}{(exception is null ? "" : Environment.NewLine + exception)}";
                // Every unexpected entry is kept; of those a known deviation causes, only the first few.
                if (Interlocked.Increment(ref owner._failureCount) <= Kept || Run.KnownDeviations.ClassOfLog(entry) is null)
                {
                    owner._failures.Enqueue(entry);
                }
            }
            else if (logLevel == LogLevel.Warning)
            {
                owner._warnings.AddOrUpdate($"{category}[{eventId.Id}]", 1, (_, n) => n + 1);
            }
        }
    }
}
