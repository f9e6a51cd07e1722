using Microsoft.Extensions.Logging;
using RxStreams.Backplanes;
using RxStreams.Diagnostics;
using RxStreams.Serialization;

namespace RxStreams.Channels;

/// <summary>
/// One backplane subscription per channel per node, shared by the node's subscribers: an item arrives and is
/// deserialized once, then fanned out. Started by the first subscriber and stopped when the last one leaves.
/// </summary>
internal abstract class SharedFeed<TItem, TValue>
{
    private readonly object _gate = new();
    private readonly SynchronousFanout<TItem> _fanout;
    private IDisposable? _upstream;
    private CancellationTokenSource? _startCancellation;
    private Task _ready = Task.CompletedTask;
    private int _generation;
    // Items that reached this node (one increment per item, not per subscriber): the admin page's rates.
    private long _items;

    protected SharedFeed(StreamHub hub, string channel, IStreamSerializer<TValue> serializer)
    {
        Hub = hub;
        Channel = channel;
        Serializer = serializer;
        _fanout = new SynchronousFanout<TItem>(hub.Logger, channel);
    }

    protected StreamHub Hub { get; }

    protected string Channel { get; }

    protected IStreamSerializer<TValue> Serializer { get; }

    /// <summary>The subscribers of this node now.</summary>
    public int Subscribers => _fanout.Count;

    /// <summary>The items that arrived from the backplane since the node started (once per item, whatever the subscribers).</summary>
    public long Items => Interlocked.Read(ref _items);

    /// <summary>
    /// Adds an observer. The task completes once the feed is live: every item appended after that is delivered.
    /// </summary>
    public Task Attach(IObserver<TItem> observer)
    {
        lock (_gate)
        {
            if (_fanout.Add(observer))
            {
                var generation = ++_generation;
                _startCancellation = new CancellationTokenSource();
                _ready = StartAsync(generation, _startCancellation.Token);
            }
            return _ready;
        }
    }

    public void Detach(IObserver<TItem> observer)
    {
        IDisposable? upstream = null;
        CancellationTokenSource? cancellation = null;
        lock (_gate)
        {
            if (_fanout.Remove(observer))
            {
                _generation++;
                (upstream, _upstream) = (_upstream, null);
                (cancellation, _startCancellation) = (_startCancellation, null);
            }
        }
        cancellation?.Cancel();
        cancellation?.Dispose();
        upstream?.Dispose();
    }

    /// <summary>Subscribes to the backplane for the current generation.</summary>
    protected abstract ValueTask<IObservable<BackplaneEntry>> ConnectAsync(CancellationToken cancellationToken);

    protected abstract TItem Decode(in BackplaneEntry entry, TValue value);

    private async Task StartAsync(int generation, CancellationToken cancellationToken)
    {
        IObservable<BackplaneEntry> source;
        try
        {
            source = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            // The observers hear of it through OnError; the ready task itself completes.
            Fail(generation, e);
            return;
        }
        var subscription = source.Subscribe(new Upstream(this, generation));
        lock (_gate)
        {
            if (generation == _generation)
            {
                _upstream = subscription;
                return;
            }
        }
        subscription.Dispose();
    }

    private void Fail(int generation, Exception error)
    {
        IDisposable? upstream;
        lock (_gate)
        {
            if (generation != _generation)
            {
                return;
            }
            _generation++;
            (upstream, _upstream) = (_upstream, null);
        }
        upstream?.Dispose();
        _fanout.Terminate(error);
    }

    private sealed class Upstream(SharedFeed<TItem, TValue> feed, int generation) : IObserver<BackplaneEntry>
    {
        public void OnNext(BackplaneEntry entry)
        {
            if (generation != Volatile.Read(ref feed._generation))
            {
                return;
            }
            TValue value;
            try
            {
                value = StreamSerializer.Deserialize(feed.Serializer, entry.Payload.Span);
            }
            catch (StreamSerializationException e)
            {
                RxStreamsLog.UndecodableItem(feed.Hub.Logger, feed.Channel, entry.Offset, e);
                return;
            }
            Interlocked.Increment(ref feed._items);
            EncodedValueCache.Set(value, entry.Payload);
            // A traced item's fan-out on this node is one span under its publish (none when nothing listens).
            using var deliver = RxStreamsTracing.StartDeliver(entry.TraceParent, feed.Channel);
            try
            {
                feed._fanout.OnNext(feed.Decode(entry, value));
            }
            finally
            {
                EncodedValueCache.Clear();
            }
        }

        public void OnError(Exception error) => feed.Fail(generation, error);

        public void OnCompleted() => feed.Fail(generation, new ObjectDisposedException(nameof(StreamBackplane), "The backplane ended the subscription: it was disposed."));
    }
}

/// <summary>The shared live feed of a durable channel.</summary>
internal sealed class DurableFeed<T>(StreamHub hub, string channel, IStreamSerializer<T> serializer)
    : SharedFeed<StreamItem<T>, T>(hub, channel, serializer)
{
    protected override async ValueTask<IObservable<BackplaneEntry>> ConnectAsync(CancellationToken cancellationToken)
    {
        // Live from the last item appended so far: whoever reads history after this returns misses nothing.
        var info = await Hub.RetryAsync(Channel, (b, c, ct) => b.GetInfoAsync(c, ct), cancellationToken).ConfigureAwait(false);
        return Hub.Backplane.SubscribeLive(Channel, info.Last ?? StreamOffset.Start);
    }

    protected override StreamItem<T> Decode(in BackplaneEntry entry, T value) => new(entry.Offset, value, entry.Timestamp, entry.Payload);
}

/// <summary>The shared feed of an ephemeral channel.</summary>
internal sealed class EphemeralFeed<T>(StreamHub hub, string channel, IStreamSerializer<T> serializer)
    : SharedFeed<T, T>(hub, channel, serializer)
{
    protected override ValueTask<IObservable<BackplaneEntry>> ConnectAsync(CancellationToken cancellationToken)
        => ValueTask.FromResult(Hub.Backplane.Subscribe(Channel));

    protected override T Decode(in BackplaneEntry entry, T value) => value;
}
