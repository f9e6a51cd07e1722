using System.Diagnostics;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Runtime.CompilerServices;
using RxStreams.Diagnostics;
using RxStreams.Serialization;

namespace RxStreams.Channels;

internal sealed class DurableChannel<T> : IStreamChannel<T>, Diagnostics.IChannelFigures
{
    private readonly StreamHub _hub;
    private readonly IStreamSerializer<T> _serializer;
    private readonly DurableFeed<T> _feed;
    private readonly int? _maxLength;

    public DurableChannel(StreamHub hub, string name, IStreamSerializer<T> serializer, StreamChannelOptions? options)
    {
        _hub = hub;
        Name = name;
        _serializer = serializer;
        _maxLength = options?.MaxLength;
        _feed = new DurableFeed<T>(hub, name, serializer);
    }

    public string Name { get; }

    bool Diagnostics.IChannelFigures.IsDurable => true;

    int Diagnostics.IChannelFigures.Subscribers => _feed.Subscribers;

    long Diagnostics.IChannelFigures.Items => _feed.Items;

    public ValueTask<StreamOffset> PublishAsync(T value, CancellationToken cancellationToken = default)
    {
        var payload = StreamSerializer.SerializeToArray(_serializer, value);
        // Traced only when something listens and the publisher is in a trace; otherwise the append, with nothing added.
        return RxStreamsTracing.TracesPublish
            ? PublishTracedAsync(payload, cancellationToken)
            : _hub.Backplane.AppendAsync(Name, payload, _maxLength, cancellationToken);
    }

    /// <summary>
    /// The append inside its publish span, which lasts until the backplane has taken the item (or failed to): the
    /// backplane stores the span's context with the item, and each node's delivery continues the trace. Async so that
    /// the span, current while the append runs, is not left current in the caller.
    /// </summary>
    private async ValueTask<StreamOffset> PublishTracedAsync(byte[] payload, CancellationToken cancellationToken)
    {
        using var publish = RxStreamsTracing.StartPublish(Name);
        try
        {
            return await _hub.Backplane.AppendAsync(Name, payload, _maxLength, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            publish?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
    }

    public void OnNext(T value) => _hub.ObservePublish(Name, PublishAsync(value));

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }

    public IDisposable Subscribe(IObserver<StreamItem<T>> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _ = _feed.Attach(observer);
        return Disposable.Create((_feed, observer), static s => s._feed.Detach(s.observer));
    }

    public IObservable<StreamItem<T>> From(StreamOffset offset) => Observable.Create<StreamItem<T>>(observer =>
    {
        var catchUp = new CatchUp<T>(_hub, _feed, Name, _serializer, offset, observer);
        catchUp.Start();
        return catchUp;
    });

    public IObservable<StreamItem<T>> Connect(IObservable<T> input, StreamOffset? from = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var output = from is { } offset ? From(offset) : this;
        // Publishes are issued in input order (the backplane keeps that order); only failures come out of here. The
        // publishes still in flight are bounded: a backplane that stops answering ends the stream instead of letting
        // a fast writer pile its items up in memory.
        var publishing = Observable.Create<StreamItem<T>>(observer =>
        {
            var inFlight = new StrongBox<int>();
            return input.Subscribe(
                value =>
                {
                    if (Volatile.Read(ref inFlight.Value) >= MaxPublishesInFlight)
                    {
                        observer.OnError(new StreamException(StreamErrorCodes.BackplaneUnavailable,
                            $"The backplane has not confirmed the last {MaxPublishesInFlight} items published to '{Name}'."));
                        return;
                    }
                    ValueTask<StreamOffset> publish;
                    try
                    {
                        publish = PublishAsync(value);
                    }
                    catch (Exception e)
                    {
                        observer.OnError(e);
                        return;
                    }
                    if (!publish.IsCompletedSuccessfully)
                    {
                        Interlocked.Increment(ref inFlight.Value);
                        _ = ReportFailure(publish, observer, inFlight);
                    }
                },
                observer.OnError,
                static () => { });
        });
        return output.Merge(publishing);
    }

    /// <summary>How many items one <see cref="Connect"/> may have published and not yet confirmed by the backplane.</summary>
    internal const int MaxPublishesInFlight = 1024;

    private static async Task ReportFailure(ValueTask<StreamOffset> publish, IObserver<StreamItem<T>> observer, StrongBox<int> inFlight)
    {
        try
        {
            await publish.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            observer.OnError(e);
        }
        finally
        {
            Interlocked.Decrement(ref inFlight.Value);
        }
    }

    public ValueTask<StreamChannelInfo> GetInfoAsync(CancellationToken cancellationToken = default)
        => _hub.Backplane.GetInfoAsync(Name, cancellationToken);
}
