using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RxStreams.AspNetCore.Tests.Protection;

/// <summary>Keeps what the server logs at Warning and above, with event ids, for assertions.</summary>
public sealed class LogCollector : ILoggerProvider
{
    public ConcurrentQueue<(EventId Id, LogLevel Level, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCollector collector) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                collector.Entries.Enqueue((eventId, logLevel, formatter(state, exception)));
            }
        }
    }
}
