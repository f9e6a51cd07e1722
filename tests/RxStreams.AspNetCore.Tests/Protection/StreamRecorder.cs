using System.Collections.Concurrent;

namespace RxStreams.AspNetCore.Tests.Protection;

/// <summary>What a client stream delivered, and how it ended.</summary>
public sealed class StreamRecorder<T> : IObserver<T>
{
    private readonly TaskCompletionSource<Exception> _error = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<T> Items { get; } = new();

    /// <summary>Completes with the error that ended the stream.</summary>
    public Task<Exception> Error => _error.Task;

    public void OnNext(T value) => Items.Enqueue(value);

    public void OnError(Exception error) => _error.TrySetResult(error);

    public void OnCompleted() => _error.TrySetResult(new InvalidOperationException("The stream completed."));
}
