using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace RxStreams.Tests.Redis;

/// <summary>Writes information and above to the test output (kept when a test fails).</summary>
public sealed class TestLogger<T>(ITestOutputHelper output) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        try
        {
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {eventId.Id} {typeof(T).Name}: {formatter(state, exception)}{(exception is null ? "" : " | " + exception.GetType().Name + ": " + exception.Message)}");
        }
        catch (InvalidOperationException)
        {
            // The test is over.
        }
    }
}
