using System.Text;
using RxStreams.Routing;

namespace RxStreams.Generators.Tests.Infrastructure;

/// <summary>A host's view of a stream result: the payloads as text with their offsets, then completion or the error.</summary>
internal sealed class CollectingSink : IStreamResultSink
{
    private readonly object _gate = new();
    private readonly List<(string Payload, StreamOffset? Offset)> _items = [];
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<(string Payload, StreamOffset? Offset)> Items
    {
        get
        {
            lock (_gate)
            {
                return [.. _items];
            }
        }
    }

    public Exception? Error { get; private set; }

    public bool Completed { get; private set; }

    /// <summary>Completes when the result completed or failed.</summary>
    public Task Ended => _ended.Task;

    public void OnNextShared(ReadOnlyMemory<byte> payload, StreamOffset? offset) => OnNext(payload.Span, offset);

    public void OnNext(ReadOnlySpan<byte> payload, StreamOffset? offset)
    {
        var text = Encoding.UTF8.GetString(payload);
        lock (_gate)
        {
            _items.Add((text, offset));
        }
    }

    public void OnCompleted()
    {
        Completed = true;
        _ended.TrySetResult();
    }

    public void OnError(Exception error)
    {
        Error = error;
        _ended.TrySetResult();
    }
}
