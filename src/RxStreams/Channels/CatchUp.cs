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
/// <remarks>
/// Memory stays bounded whatever the consumer does. A page is read only when the consumer can take items (see
/// <see cref="StreamDemand"/>) and is never kept across a wait: what was not delivered is read again. The live items
/// buffered during the replay are bounded by <see cref="StreamHubOptions.CatchUpBufferLength"/> and by the host's
/// <see cref="StreamDemand.Budget"/>; past either, the buffer is dropped and its items are read from history once
/// the replay gets there (they were appended before they were delivered live, so history has them, or the stream
/// ends with <see cref="StreamNotRecoveredException"/>: never a silent gap).
/// </remarks>
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
    private long _bufferBytes;
    private bool _overflowed;
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
            while (true)
            {
                if (!await ReplayHistoryAsync(token).ConfigureAwait(false) || ReplayBuffer())
                {
                    return;
                }
                // The buffer overflowed: the items it dropped are in the history after the cursor.
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Terminate(e);
        }
    }

    /// <summary>Delivers the history after the cursor; false once the subscription is over.</summary>
    private async Task<bool> ReplayHistoryAsync(CancellationToken token)
    {
        var pageSize = _hub.Options.HistoryPageSize;
        while (true)
        {
            if (_demand is { HasDemand: false } demand)
            {
                await demand.WaitAsync(token).ConfigureAwait(false);
            }
            var cursor = _cursor;
            var page = await _hub.RetryAsync(_channel, (b, c, ct) => b.ReadAsync(c, cursor, pageSize, ct), token).ConfigureAwait(false);
            if (!page.Info.CanResumeAfter(cursor))
            {
                throw new StreamNotRecoveredException(_channel, cursor, page.Info.First);
            }
            var whole = true;
            foreach (var entry in page.Entries)
            {
                if (_demand is { HasDemand: false })
                {
                    // Keep nothing while the consumer is busy: the rest of the page is read again after the wait.
                    whole = false;
                    break;
                }
                if (entry.Offset > _cursor && !Emit(Decode(entry)))
                {
                    return false;
                }
            }
            if (whole && page.Entries.Count < pageSize)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// Delivers the live items buffered during the replay, then goes live; true when done (live or over), false when
    /// the buffer overflowed and the history must be read again.
    /// </summary>
    private bool ReplayBuffer()
    {
        while (true)
        {
            Queue<StreamItem<T>> batch;
            long bytes;
            lock (_gate)
            {
                if (_feedError is not null)
                {
                    break;
                }
                if (_overflowed)
                {
                    _overflowed = false;
                    return false;
                }
                if (_buffer!.Count == 0)
                {
                    _buffer = null;
                    _live = true;
                    return true;
                }
                batch = _buffer;
                bytes = _bufferBytes;
                _buffer = new Queue<StreamItem<T>>();
                _bufferBytes = 0;
            }
            _demand?.Budget?.Release(bytes);
            foreach (var item in batch)
            {
                if (item.Offset > _cursor && !Emit(item))
                {
                    return true;
                }
            }
        }
        Terminate(_feedError);
        return true;
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
        ReleaseBuffer();
        _downstream.Terminate(error);
    }

    private void ReleaseBuffer()
    {
        lock (_gate)
        {
            _demand?.Budget?.Release(_bufferBytes);
            _bufferBytes = 0;
            _buffer?.Clear();
        }
    }

    // ---- From the shared live feed (one call at a time, in order) ----

    void IObserver<StreamItem<T>>.OnNext(StreamItem<T> item)
    {
        lock (_gate)
        {
            if (!_live)
            {
                Buffer(item);
                return;
            }
        }
        if (item.Offset > _cursor)
        {
            Emit(item);
        }
    }

    /// <summary>Keeps a live item for after the replay, or drops the buffer when it may not grow (see the remarks).</summary>
    private void Buffer(StreamItem<T> item)
    {
        if (_buffer is null || _overflowed || Volatile.Read(ref _done) != 0)
        {
            return;
        }
        var bytes = item.EncodedValue.Length;
        if (_buffer.Count >= _hub.Options.CatchUpBufferLength || _demand?.Budget?.TryHold(bytes) == false)
        {
            _demand?.Budget?.Release(_bufferBytes);
            _bufferBytes = 0;
            _buffer.Clear();
            _overflowed = true;
            return;
        }
        _bufferBytes += bytes;
        _buffer.Enqueue(item);
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
        ReleaseBuffer();
    }
}
