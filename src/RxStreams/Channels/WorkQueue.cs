using System.Reactive.Linq;
using RxStreams.Diagnostics;
using RxStreams.Serialization;

namespace RxStreams.Channels;

internal sealed class WorkQueue<T>(StreamHub hub, string name, IStreamSerializer<T> serializer) : IWorkQueue<T>, IWorkQueueFigures
{
    // The admin page's figures: one interlocked add per item enqueued, delivered or acknowledged on this node.
    private int _consumers;
    private long _enqueued;
    private long _delivered;
    private long _acknowledged;

    public string Name => name;

    public int Consumers => Volatile.Read(ref _consumers);

    public long Enqueued => Interlocked.Read(ref _enqueued);

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    public ValueTask<StreamOffset> EnqueueAsync(T item, CancellationToken cancellationToken = default)
    {
        var payload = StreamSerializer.SerializeToArray(serializer, item);
        Interlocked.Increment(ref _enqueued);
        return hub.Backplane.EnqueueAsync(name, payload, cancellationToken);
    }

    public void OnNext(T value) => hub.ObservePublish(name, EnqueueAsync(value));

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }

    public IObservable<WorkItem<T>> Consume(string group, string consumer, WorkQueueOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        options ??= new WorkQueueOptions();
        options.Validate();
        var backplane = hub.Backplane;
        Func<StreamOffset, CancellationToken, ValueTask<bool>> ack = (id, ct) =>
        {
            Interlocked.Increment(ref _acknowledged);
            return backplane.AckAsync(name, group, consumer, id, ct);
        };
        return Observable.Create<WorkItem<T>>(observer =>
        {
            Interlocked.Increment(ref _consumers);
            var consuming = backplane.Consume(name, group, consumer, options).Subscribe(
                item =>
                {
                    Interlocked.Increment(ref _delivered);
                    T value;
                    try
                    {
                        value = StreamSerializer.Deserialize(serializer, item.Payload.Span);
                    }
                    catch (StreamSerializationException e)
                    {
                        // A poison item would be redelivered forever: log it, acknowledge it, go on.
                        RxStreamsLog.UndecodableItem(hub.Logger, name, item.Id, e);
                        hub.ObservePublish(name, ack(item.Id, CancellationToken.None));
                        return;
                    }
                    observer.OnNext(new WorkItem<T>(item.Id, value, item.DeliveryCount, ack));
                },
                observer.OnError,
                observer.OnCompleted);
            return System.Reactive.Disposables.Disposable.Create(() =>
            {
                consuming.Dispose();
                Interlocked.Decrement(ref _consumers);
            });
        });
    }
}
