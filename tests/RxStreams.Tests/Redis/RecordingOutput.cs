using System.Collections.Concurrent;
using Xunit.Abstractions;

namespace RxStreams.Tests.Redis;

/// <summary>Test output that also keeps its lines, so a test can wait for a log event instead of for time.</summary>
internal sealed class RecordingOutput(ITestOutputHelper output) : ITestOutputHelper
{
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>True once a line with the log event <paramref name="eventId"/> was written.</summary>
    public bool Logged(int eventId) => _lines.Any(l => l.Contains($" {eventId} ", StringComparison.Ordinal));

    public void WriteLine(string message)
    {
        _lines.Enqueue(message);
        output.WriteLine(message);
    }

    public void WriteLine(string format, params object[] args) => WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
}
