using System.Collections.Concurrent;

namespace RxStreams.Generators.Tests.Handlers;

/// <summary>A DI singleton the test handlers report to: what they were called with, and when they were disposed.</summary>
public sealed class Probe
{
    public ConcurrentQueue<string> Calls { get; } = new();

    public ConcurrentQueue<object?> Arguments { get; } = new();

    public int Disposed;

    public int DisposedAsync;

    public void Record(string call, params object?[] arguments)
    {
        Calls.Enqueue(call);
        foreach (var argument in arguments)
        {
            Arguments.Enqueue(argument);
        }
    }
}
