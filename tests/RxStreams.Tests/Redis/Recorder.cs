namespace RxStreams.Redis;

/// <summary>Records what an observable delivers; checks that deliveries never overlap.</summary>
public sealed class Recorder<T> : IObserver<T>
{
    private readonly object _gate = new();
    private readonly List<T> _items = [];
    private int _inside;

    public Exception? Error { get; private set; }

    public bool Completed { get; private set; }

    public bool Overlapped { get; private set; }

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

    public void OnError(Exception error) => Error = error;

    public void OnCompleted() => Completed = true;
}
