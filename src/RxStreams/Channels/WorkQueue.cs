using System.Reactive.Linq;
using RxStreams.Diagnostics;
using RxStreams.Serialization;

namespace RxStreams.Channels;

internal sealed class WorkQueue<T>(StreamHub hub, string name, IStreamSerializer<T> serializer) : IWorkQueue<T>
{
    public string Name => name;

    public ValueTask<StreamOffset> EnqueueAsync(T item, CancellationToken cancellationToken = default)
        => hub.Backplane.EnqueueAsync(name, StreamSerializer.SerializeToArray(serializer, item), cancellationToken);

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
        Func<StreamOffset, CancellationToken, ValueTask<bool>> ack = (id, ct) => backplane.AckAsync(name, group, consumer, id, ct);
        return Observable.Create<WorkItem<T>>(observer => backplane.Consume(name, group, consumer, options).Subscribe(
            item =>
            {
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
            observer.OnCompleted));
    }
}
