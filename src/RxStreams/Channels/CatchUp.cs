using RxStreams.Backplanes;
using RxStreams.Diagnostics;
using RxStreams.Serialization;

namespace RxStreams.Channels;

/// <summary>
/// One subscriber of <see cref="IStreamChannel{T}.From"/>: joins the channel's shared live feed first (buffering what
/// it delivers), then reads history page by page after the requested offset, then replays the buffer and switches
/// to the live feed. Offsets deduplicate the overlap, so there is no gap and no duplicate. Each page is checked
/// against the channel's bounds read with it: when the history no longer holds the items after the cursor, the
/// sequence fails with <see cref="StreamNotRecoveredException"/>.
/// </summary>
internal sealed class CatchUp<T> : IObserver<StreamItem<T>>, IDisposable
{
    private readonly StreamHub _hub;
    private readonly DurableFeed<T> _feed;
    private readonly string _channel;
    private readonly IStreamSerializer<T> _serializer;
    private readonly IObserver<StreamItem<T>> _downstream;
    private readonly CancellationTokenSource _cancellation = new();
    private readonly StreamDemand? _demand = StreamDemand.Current;
    private readonly object _gate = new();
    private Queue<StreamItem<T>>? _buffer = new();
    private Exception? _feedError;
    private StreamOffset _cursor;
    private bool _live;
    private int _done;

    public CatchUp(StreamHub hub, DurableFeed<T> feed, string channel, IStreamSerializer<T> serializer, StreamOffset after, IObserver<StreamItem<T>> downstream)
    {
        _hub = hub;
        _feed = feed;
        _channel = channel;
        _serializer = serializer;
        _cursor = after;
        _downstream = downstream;
    }

    public void Start() => _ = RunAsync(_feed.Attach(this));

    private async Task RunAsync(Task ready)
    {
        var token = _cancellation.Token;
        try
        {
            await ready.WaitAsync(token).ConfigureAwait(false);
            var pageSize = _hub.Options.HistoryPageSize;
            while (true)
            {
                var cursor = _cursor;
                var page = await _hub.RetryAsync(_channel, (b, c, ct) => b.ReadAsync(c, cursor, pageSize, ct), token).ConfigureAwait(false);
                if (!page.Info.CanResumeAfter(cursor))
                {
                    throw new StreamNotRecoveredException(_channel, cursor, page.Info.First);
                }
                foreach (var entry in page.Entries)
                {
                    if (_demand is { HasDemand: false } demand)
                    {
                        await demand.WaitAsync(token).ConfigureAwait(false);
                    }
                    if (entry.Offset > _cursor && !Emit(Decode(entry)))
                    {
                        return;
                    }
                }
                if (page.Entries.Count < pageSize)
                {
                    break;
                }
            }
            while (true)
            {
                Queue<StreamItem<T>> batch;
                lock (_gate)
                {
                    if (_feedError is not null)
                    {
                        break;
                    }
                    if (_buffer!.Count == 0)
                    {
                        _buffer = null;
                        _live = true;
                        return;
                    }
                    batch = _buffer;
                    _buffer = new Queue<StreamItem<T>>();
                }
                foreach (var item in batch)
                {
                    if (item.Offset > _cursor && !Emit(item))
                    {
                        return;
                    }
                }
            }
            Terminate(_feedError);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Terminate(e);
        }
    }

    private StreamItem<T> Decode(in BackplaneEntry entry)
    {
        try
        {
            return new StreamItem<T>(entry.Offset, StreamSerializer.Deserialize(_serializer, entry.Payload.Span), entry.Timestamp, entry.Payload);
        }
        catch (StreamSerializationException e)
        {
            // An item this node cannot read (written by an incompatible version): the stream says so and ends.
            throw new StreamSerializationException($"Item {entry.Offset} of channel '{_channel}' cannot be read: {e.Message}", e);
        }
    }

    /// <summary>Delivers one item and advances the cursor; false once the subscription is over.</summary>
    private bool Emit(StreamItem<T> item)
    {
        if (Volatile.Read(ref _done) != 0)
        {
            return false;
        }
        _cursor = item.Offset;
        try
        {
            _downstream.OnNext(item);
            return true;
        }
        catch (Exception e)
        {
            RxStreamsLog.SubscriberThrew(_hub.Logger, _channel, e);
            RxStreamsMetrics.SubscriberErrors.Add(1);
            Dispose();
            return false;
        }
    }

    private void Terminate(Exception? error)
    {
        if (Interlocked.Exchange(ref _done, 1) != 0)
        {
            return;
        }
        _feed.Detach(this);
        _cancellation.Cancel();
        _downstream.Terminate(error);
    }

    // ---- From the shared live feed (one call at a time, in order) ----

    void IObserver<StreamItem<T>>.OnNext(StreamItem<T> item)
    {
        lock (_gate)
        {
            if (!_live)
            {
                _buffer?.Enqueue(item);
                return;
            }
        }
        if (item.Offset > _cursor)
        {
            Emit(item);
        }
    }

    void IObserver<StreamItem<T>>.OnError(Exception error)
    {
        lock (_gate)
        {
            if (!_live)
            {
                _feedError = error;
                return;
            }
        }
        Terminate(error);
    }

    void IObserver<StreamItem<T>>.OnCompleted() => ((IObserver<StreamItem<T>>)this).OnError(new ObjectDisposedException(nameof(StreamBackplane)));

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _done, 1) != 0)
        {
            return;
        }
        _feed.Detach(this);
        _cancellation.Cancel();
    }
}
