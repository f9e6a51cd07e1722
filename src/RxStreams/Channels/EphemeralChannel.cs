using System.Reactive.Disposables;
using System.Reactive.Linq;
using RxStreams.Serialization;

namespace RxStreams.Channels;

internal sealed class EphemeralChannel<T> : IEphemeralChannel<T>, Diagnostics.IChannelFigures
{
    private readonly StreamHub _hub;
    private readonly IStreamSerializer<T> _serializer;
    private readonly EphemeralFeed<T> _feed;

    public EphemeralChannel(StreamHub hub, string name, IStreamSerializer<T> serializer)
    {
        _hub = hub;
        Name = name;
        _serializer = serializer;
        _feed = new EphemeralFeed<T>(hub, name, serializer);
    }

    public string Name { get; }

    bool Diagnostics.IChannelFigures.IsDurable => false;

    int Diagnostics.IChannelFigures.Subscribers => _feed.Subscribers;

    long Diagnostics.IChannelFigures.Items => _feed.Items;

    public ValueTask PublishAsync(T value, CancellationToken cancellationToken = default)
        => _hub.Backplane.PublishAsync(Name, StreamSerializer.SerializeToArray(_serializer, value), cancellationToken);

    public void OnNext(T value)
    {
        var publish = PublishAsync(value);
        if (!publish.IsCompletedSuccessfully)
        {
            _hub.ObservePublish(Name, Completion(publish));
        }

        static async ValueTask<bool> Completion(ValueTask task)
        {
            await task.ConfigureAwait(false);
            return true;
        }
    }

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }

    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _ = _feed.Attach(observer);
        return Disposable.Create((_feed, observer), static s => s._feed.Detach(s.observer));
    }

    public IObservable<T> Connect(IObservable<T> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        // Publishing yields nothing; an input error ends the output, input completion does not.
        var publishing = Observable.Create<T>(observer => input.Subscribe(OnNext, observer.OnError, static () => { }));
        return this.Merge(publishing);
    }
}
