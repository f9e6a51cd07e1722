using System.ComponentModel;
using System.Reactive.Disposables;
using RxStreams.Channels;
using RxStreams.Serialization;

namespace RxStreams.Routing;

/// <summary>
/// What a handler method returned, adapted for a host: items as UTF-8 JSON (with offsets when resumable), then
/// completion or an error. Generated endpoints create it with the factory method matching the method's shape.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class StreamHandlerResult
{
    private object? _resource;

    /// <summary>A result that completes at once (a <c>void</c> fire-and-forget method).</summary>
    public static StreamHandlerResult Completed() => new TaskResult(Task.CompletedTask);

    /// <summary>The items of an observable.</summary>
    public static StreamHandlerResult FromObservable<T>(IObservable<T> source, IStreamSerializer<T> serializer) => new ObservableResult<T>(source, serializer);

    /// <summary>The items of a resumable observable: each item's offset goes on the wire.</summary>
    public static StreamHandlerResult FromStreamItems<T>(IObservable<StreamItem<T>> source, IStreamSerializer<T> serializer) => new StreamItemsResult<T>(source, serializer);

    /// <summary>
    /// The stream of a model handler: the snapshot, the changes as merge patches and the answers to the client's edits,
    /// each change with its offset (the stream is resumable).
    /// </summary>
    public static StreamHandlerResult FromModel<TState>(Models.ModelStream<TState> stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new ModelResult(stream.Items);
    }

    /// <summary>The response of a request/response method.</summary>
    public static StreamHandlerResult FromTask<T>(Task<T> task, IStreamSerializer<T> serializer) => new TaskResult<T>(task, serializer);

    /// <summary>The response of a request/response method.</summary>
    public static StreamHandlerResult FromValueTask<T>(ValueTask<T> task, IStreamSerializer<T> serializer) => new TaskResult<T>(task.AsTask(), serializer);

    /// <summary>The completion of a fire-and-forget method.</summary>
    public static StreamHandlerResult FromTask(Task task) => new TaskResult(task);

    /// <summary>The completion of a fire-and-forget method.</summary>
    public static StreamHandlerResult FromValueTask(ValueTask task) => new TaskResult(task.AsTask());

    /// <summary>
    /// Ties the handler instance to the result: when it is <see cref="IDisposable"/> or <see cref="IAsyncDisposable"/>,
    /// it is disposed when the stream ends.
    /// </summary>
    public StreamHandlerResult Owning(object? handler)
    {
        _resource = handler is IDisposable or IAsyncDisposable ? handler : null;
        return this;
    }

    /// <summary>Starts delivering to <paramref name="sink"/>; disposing stops and releases the handler.</summary>
    public IDisposable Subscribe(IStreamResultSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var subscription = SubscribeCore(sink);
        return _resource is null ? subscription : new OwningSubscription(subscription, _resource);
    }

    /// <summary>Starts delivering to <paramref name="sink"/>.</summary>
    private protected abstract IDisposable SubscribeCore(IStreamResultSink sink);

    private protected static void Write<T>(IStreamResultSink sink, IStreamSerializer<T> serializer, T value, StreamOffset? offset)
    {
        if (EncodedValueCache.TryGet(value, out var bytes))
        {
            sink.OnNextShared(bytes, offset);
            return;
        }
        StreamSerializer.Serialize(serializer, value, (sink, offset), static (span, state) => state.sink.OnNext(span, state.offset));
    }

    private sealed class OwningSubscription(IDisposable inner, object resource) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }
            inner.Dispose();
            if (resource is IAsyncDisposable asyncDisposable)
            {
                _ = asyncDisposable.DisposeAsync().AsTask();
            }
            else
            {
                ((IDisposable)resource).Dispose();
            }
        }
    }

    private sealed class ObservableResult<T>(IObservable<T> source, IStreamSerializer<T> serializer) : StreamHandlerResult
    {
        private protected override IDisposable SubscribeCore(IStreamResultSink sink) => source.Subscribe(new Adapter(sink, serializer));

        private sealed class Adapter(IStreamResultSink sink, IStreamSerializer<T> serializer) : IObserver<T>
        {
            public void OnNext(T value) => Write(sink, serializer, value, null);

            public void OnError(Exception error) => sink.OnError(error);

            public void OnCompleted() => sink.OnCompleted();
        }
    }

    private sealed class StreamItemsResult<T>(IObservable<StreamItem<T>> source, IStreamSerializer<T> serializer) : StreamHandlerResult
    {
        private protected override IDisposable SubscribeCore(IStreamResultSink sink) => source.Subscribe(new Adapter(sink, serializer));

        private sealed class Adapter(IStreamResultSink sink, IStreamSerializer<T> serializer) : IObserver<StreamItem<T>>
        {
            public void OnNext(StreamItem<T> item)
            {
                if (!item.EncodedValue.IsEmpty)
                {
                    sink.OnNextShared(item.EncodedValue, item.Offset);
                }
                else
                {
                    Write(sink, serializer, item.Value, item.Offset);
                }
            }

            public void OnError(Exception error) => sink.OnError(error);

            public void OnCompleted() => sink.OnCompleted();
        }
    }

    private sealed class ModelResult(IObservable<Models.ModelStreamItem> source) : StreamHandlerResult
    {
        private protected override IDisposable SubscribeCore(IStreamResultSink sink) => source.Subscribe(new Adapter(sink));

        private sealed class Adapter(IStreamResultSink sink) : IObserver<Models.ModelStreamItem>
        {
            // Snapshots and answers are this stream's own arrays; changes are the arrays the node's feed shares.
            public void OnNext(Models.ModelStreamItem item) => sink.OnNextShared(item.Payload, item.Offset);

            public void OnError(Exception error) => sink.OnError(error);

            public void OnCompleted() => sink.OnCompleted();
        }
    }

    private sealed class TaskResult<T>(Task<T> task, IStreamSerializer<T> serializer) : StreamHandlerResult
    {
        private protected override IDisposable SubscribeCore(IStreamResultSink sink)
        {
            var cancelled = new BooleanDisposable();
            _ = Complete(sink, cancelled);
            return cancelled;
        }

        private async Task Complete(IStreamResultSink sink, BooleanDisposable cancelled)
        {
            T value;
            try
            {
                value = await task.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                if (!cancelled.IsDisposed)
                {
                    sink.OnError(e);
                }
                return;
            }
            if (!cancelled.IsDisposed)
            {
                Write(sink, serializer, value, null);
                sink.OnCompleted();
            }
        }
    }

    private sealed class TaskResult(Task task) : StreamHandlerResult
    {
        private protected override IDisposable SubscribeCore(IStreamResultSink sink)
        {
            var cancelled = new BooleanDisposable();
            _ = Complete(sink, cancelled);
            return cancelled;
        }

        private async Task Complete(IStreamResultSink sink, BooleanDisposable cancelled)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                if (!cancelled.IsDisposed)
                {
                    sink.OnError(e);
                }
                return;
            }
            if (!cancelled.IsDisposed)
            {
                sink.OnCompleted();
            }
        }
    }
}
