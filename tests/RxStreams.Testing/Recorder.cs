namespace RxStreams.Testing;

/// <summary>
/// Records what an observable delivers and how it ended; checks that deliveries never overlap (an
/// <see cref="IObserver{T}"/> is called one item at a time). The one recorder the test projects share.
/// </summary>
public sealed class Recorder<T> : IObserver<T>
{
    private readonly object _gate = new();
    private readonly List<T> _items = [];
    private readonly TaskCompletionSource<Exception> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inside;

    /// <summary>The error that ended the observable, or null while it has not failed.</summary>
    public Exception? Error { get; private set; }

    /// <summary>True once the observable completed.</summary>
    public bool Completed { get; private set; }

    /// <summary>
    /// Completes when the observable ends: with its error, or with an <see cref="InvalidOperationException"/> saying
    /// it completed (for tests that wait for a stream to be ended by an error).
    /// </summary>
    public Task<Exception> Ended => _ended.Task;

    /// <summary>True if two deliveries ever overlapped.</summary>
    public bool Overlapped { get; private set; }

    /// <summary>How many items arrived.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>A copy of the items so far, in arrival order.</summary>
    public List<T> Items
    {
        get
        {
            lock (_gate)
            {
                return [.. _items];
            }
        }
    }

    /// <inheritdoc />
    public void OnNext(T value)
    {
        if (Interlocked.Increment(ref _inside) != 1)
        {
            Overlapped = true;
        }
        lock (_gate)
        {
            _items.Add(value);
        }
        Interlocked.Decrement(ref _inside);
    }

    /// <inheritdoc />
    public void OnError(Exception error)
    {
        Error = error;
        _ended.TrySetResult(error);
    }

    /// <inheritdoc />
    public void OnCompleted()
    {
        Completed = true;
        _ended.TrySetResult(new InvalidOperationException("The stream completed."));
    }
}
