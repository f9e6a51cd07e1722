using System.Buffers;
using System.Collections.Immutable;
using System.ComponentModel;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using RxStreams.Serialization;

namespace RxStreams.Routing;

/// <summary>
/// What a client writes on a duplex stream, as the host receives it: raw payloads, deserialized for the handler's
/// input observable at the moment they arrive. Payloads received before the handler subscribes its input are kept
/// (up to <see cref="MaxBuffered"/>) and replayed to the first subscriber.
/// </summary>
/// <remarks>
/// Hosts call <see cref="OnPayload"/>, <see cref="OnCompleted"/> and <see cref="OnError"/> one at a time. A payload
/// that is not valid JSON for the input type makes <see cref="OnPayload"/> throw a
/// <see cref="StreamSerializationException"/>: the host then ends the stream with <c>invalid_payload</c>.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class StreamInput
{
    private static readonly List<byte[]> s_none = [];

    /// <summary>The default of <see cref="MaxBuffered"/>.</summary>
    public const int DefaultMaxBuffered = 64;

    private readonly object _gate = new();
    private readonly IMemoryBudget? _budget;
    private ImmutableArray<IPayloadObserver> _observers = [];
    // Payloads kept until the handler subscribes (null once it has caught up); a shared empty list until the first.
    private List<byte[]>? _early = s_none;
    private long _earlyBytes;
    private Exception? _error;
    private bool _ended;
    private bool _replaying;

    /// <summary>Creates the input of one stream.</summary>
    /// <param name="maxBuffered">The most payloads kept for a handler that has not subscribed its input yet (at least 1).</param>
    public StreamInput(int maxBuffered = DefaultMaxBuffered)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBuffered, 1);
        MaxBuffered = maxBuffered;
    }

    /// <summary>A host's input: what is kept for a handler that has not read it also counts against <paramref name="budget"/>.</summary>
    internal StreamInput(int maxBuffered, IMemoryBudget budget)
        : this(maxBuffered)
        => _budget = budget;

    /// <summary>What the host's connection lets this stream hold, if the host gave it a budget.</summary>
    internal IMemoryBudget? Budget => _budget;

    /// <summary>The most payloads kept for a handler that has not subscribed its input yet; one more ends the stream with <c>rate_limited</c>.</summary>
    public int MaxBuffered { get; }

    /// <summary>Delivers one payload. The bytes are only read during the call.</summary>
    /// <exception cref="StreamSerializationException">The payload is not valid for the input type.</exception>
    /// <exception cref="StreamException">More than <see cref="MaxBuffered"/> payloads arrived before the handler read its input.</exception>
    public void OnPayload(in ReadOnlySequence<byte> payload)
    {
        ImmutableArray<IPayloadObserver> observers;
        lock (_gate)
        {
            if (_ended)
            {
                throw new StreamException(StreamErrorCodes.InvalidPayload, "The client already completed its input on this stream.");
            }
            if (_early is not null)
            {
                // Not subscribed yet, or the first subscriber is still replaying: keep it, in order.
                if (_early.Count >= MaxBuffered)
                {
                    throw new StreamException(StreamErrorCodes.RateLimited, $"The handler has not read its input and {MaxBuffered} messages are waiting.");
                }
                if (_budget is not null && !_budget.TryHold(payload.Length))
                {
                    throw new StreamException(StreamErrorCodes.RateLimited,
                        $"The handler has not read its input and the connection may hold no more bytes for it ({_earlyBytes} are waiting).");
                }
                _earlyBytes += payload.Length;
                if (ReferenceEquals(_early, s_none))
                {
                    _early = [];
                }
                _early.Add(payload.ToArray());
                return;
            }
            observers = _observers;
        }
        foreach (var observer in observers)
        {
            observer.OnPayload(payload);
        }
    }

    /// <summary>The client completed its side of the stream.</summary>
    public void OnCompleted() => End(null);

    /// <summary>The client's side failed (for example it sent an invalid payload).</summary>
    public void OnError(Exception error) => End(error ?? throw new ArgumentNullException(nameof(error)));

    private void End(Exception? error)
    {
        ImmutableArray<IPayloadObserver> observers;
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }
            _ended = true;
            _error = error;
            if (_early is not null)
            {
                return; // delivered after the replay
            }
            observers = _observers;
        }
        foreach (var observer in observers)
        {
            observer.OnEnd(error);
        }
    }

    /// <summary>The input as values of <typeparamref name="T"/>.</summary>
    public IObservable<T> As<T>(IStreamSerializer<T> serializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        return Observable.Create<T>(observer => Attach(new Adapter<T>(serializer, observer)));
    }

    private IDisposable Attach(IPayloadObserver adapter)
    {
        bool replay;
        lock (_gate)
        {
            _observers = _observers.Add(adapter);
            replay = _early is not null && !_replaying;
            _replaying |= replay;
        }
        if (replay)
        {
            Replay();
        }
        return Disposable.Create(() =>
        {
            lock (_gate)
            {
                _observers = _observers.Remove(adapter);
            }
        });
    }

    /// <summary>
    /// Delivers what arrived before the first subscription (and while replaying, in order), then lets payloads through
    /// directly; an end that came meanwhile is delivered last.
    /// </summary>
    private void Replay()
    {
        while (true)
        {
            List<byte[]> batch;
            ImmutableArray<IPayloadObserver> observers;
            lock (_gate)
            {
                observers = _observers;
                batch = _early!;
                if (batch.Count == 0)
                {
                    // Caught up: from now on payloads (and the end) go straight to the observers.
                    _early = null;
                    _replaying = false;
                    if (!_ended)
                    {
                        return;
                    }
                }
                else
                {
                    _early = s_none;
                    ReleaseLocked(_earlyBytes);
                }
            }
            if (batch.Count == 0)
            {
                // Ended before the subscription or during the replay.
                foreach (var observer in observers)
                {
                    observer.OnEnd(_error);
                }
                return;
            }
            foreach (var bytes in batch)
            {
                foreach (var observer in observers)
                {
                    observer.OnPayload(new ReadOnlySequence<byte>(bytes));
                }
            }
        }
    }

    /// <summary>
    /// The stream is over: input kept for a handler that never read it is dropped, and its bytes no longer count
    /// against the connection.
    /// </summary>
    internal void Discard()
    {
        lock (_gate)
        {
            if (_early is { Count: > 0 } && !_replaying)
            {
                _early = s_none;
                ReleaseLocked(_earlyBytes);
            }
        }
    }

    private void ReleaseLocked(long bytes)
    {
        if (bytes > 0)
        {
            _earlyBytes -= bytes;
            _budget?.Release(bytes);
        }
    }

    /// <summary>The input as raw payloads (copies), for proxies that forward them untouched.</summary>
    internal IObservable<byte[]> AsPayloads() => Observable.Create<byte[]>(observer => Attach(new RawAdapter(observer)));

    private interface IPayloadObserver
    {
        void OnPayload(in ReadOnlySequence<byte> payload);

        void OnEnd(Exception? error);
    }

    private sealed class RawAdapter(IObserver<byte[]> observer) : IPayloadObserver
    {
        public void OnPayload(in ReadOnlySequence<byte> payload) => observer.OnNext(payload.ToArray());

        public void OnEnd(Exception? error) => observer.Terminate(error);
    }

    private sealed class Adapter<T>(IStreamSerializer<T> serializer, IObserver<T> observer) : IPayloadObserver
    {
        public void OnPayload(in ReadOnlySequence<byte> payload)
            => observer.OnNext(payload.IsSingleSegment
                ? StreamSerializer.Deserialize(serializer, payload.FirstSpan)
                : StreamSerializer.Deserialize(serializer, payload));

        public void OnEnd(Exception? error) => observer.Terminate(error);
    }
}
