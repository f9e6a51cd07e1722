using System.Buffers;
using System.Collections.Immutable;
using System.Reactive.Disposables;
using RxStreams.Protocol;
using RxStreams.Serialization;

namespace RxStreams.Client;

/// <summary>A duplex or server → client stream of the client (see <see cref="IClientStream{TIn, TOut}"/>).</summary>
internal sealed class ClientStream<TIn, TOut> : ClientStreamBase, IClientStream<TIn, TOut>
{
    private readonly IStreamSerializer<TOut> _outSerializer;
    private readonly Func<IStreamSerializer<TIn>>? _inSerializer;
    private readonly uint _requestEvery; // REQUEST after this many items (half the window); 0: unbounded, never
    private ImmutableArray<IObserver<TOut>> _observers = [];
    private Queue<byte[]>? _unsent;
    private bool _inputCompleted;
    private bool _ended;
    private uint _deliveredSinceRequest;

    public ClientStream(RxStreamsClient client, string route, StreamOpenOptions options, Func<IStreamSerializer<TIn>>? inSerializer)
        : base(client, route, options)
    {
        _outSerializer = StreamSerializer.Get<TOut>();
        _inSerializer = inSerializer;
        _requestEvery = options.Credits == ProtocolConstants.UnboundedCredits ? 0 : Math.Max(1, options.Credits / 2);
    }

    // ---- The application subscribes ----

    public IDisposable Subscribe(IObserver<TOut> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        bool first;
        lock (Gate)
        {
            if (_ended)
            {
                throw new InvalidOperationException($"The stream '{Route}' has ended; open it again with RxStreamsClient.Open.");
            }
            first = _observers.IsEmpty;
            _observers = _observers.Add(observer);
        }
        if (first)
        {
            Client.AttachStream(this);
        }
        return Disposable.Create(() => Unsubscribe(observer));
    }

    private void Unsubscribe(IObserver<TOut> observer)
    {
        bool last;
        lock (Gate)
        {
            var before = _observers;
            _observers = _observers.Remove(observer);
            last = !before.IsEmpty && _observers.IsEmpty && !_ended;
            if (last)
            {
                _ended = true;
            }
        }
        if (last)
        {
            // The last subscriber left: stop the stream everywhere.
            Client.DetachStream(this);
            CancelOnWire();
            DropUnsent();
        }
    }

    // ---- The application sends ----

    public void OnNext(TIn value)
    {
        var serializer = _inSerializer?.Invoke() ?? throw new InvalidOperationException($"The stream '{Route}' takes no input: it was opened with Subscribe.");
        var payload = StreamSerializer.SerializeToArray(serializer, value);
        if (FrameSize.Check(FrameSize.Next(payload.Length), Client.MaxFrameSize, "A message") is { } tooLarge)
        {
            throw tooLarge;
        }
        lock (Gate)
        {
            if (_ended || _inputCompleted)
            {
                throw new InvalidOperationException($"The stream '{Route}' no longer accepts input (it ended or its input completed).");
            }
            if (Connection is { } connection && (_unsent is null || _unsent.Count == 0))
            {
                connection.Sender.Enqueue((WireId, payload), static (output, s) => FrameWriter.WriteNext(output, s.WireId, null, s.payload));
                return;
            }
            // Not connected (or not open yet): keep it, in order, within the client's bound.
            Client.ReserveBuffered();
            (_unsent ??= new Queue<byte[]>()).Enqueue(payload);
        }
    }

    public void OnCompleted()
    {
        lock (Gate)
        {
            if (_inputCompleted)
            {
                return;
            }
            _inputCompleted = true;
            if (Connection is { } connection && (_unsent is null || _unsent.Count == 0))
            {
                connection.Sender.Enqueue(WireId, static (output, id) => FrameWriter.WriteComplete(output, id));
            }
        }
    }

    /// <summary>The application's input failed: the stream cannot go on, so it is cancelled and its subscribers get the error.</summary>
    public void OnError(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        lock (Gate)
        {
            if (_inputCompleted || _ended)
            {
                return;
            }
            _inputCompleted = true;
        }
        CancelOnWire();
        End(error);
    }

    protected override void OnAttachedLocked(ClientConnection connection)
    {
        _deliveredSinceRequest = 0;
        if (_unsent is not null)
        {
            while (_unsent.TryDequeue(out var payload))
            {
                connection.Sender.Enqueue((WireId, payload), static (output, s) => FrameWriter.WriteNext(output, s.WireId, null, s.payload));
                Client.ReleaseBuffered(1);
            }
        }
        if (_inputCompleted)
        {
            connection.Sender.Enqueue(WireId, static (output, id) => FrameWriter.WriteComplete(output, id));
        }
    }

    private void DropUnsent()
    {
        lock (Gate)
        {
            if (_unsent is { Count: > 0 } unsent)
            {
                Client.ReleaseBuffered(unsent.Count);
                unsent.Clear();
            }
        }
    }

    // ---- The server sends (one call at a time, from the receive loop) ----

    public override void OnNextFrame(StreamOffset? offset, in ReadOnlySequence<byte> payload)
    {
        if (offset is { } o)
        {
            if (LastOffset is { } last && o <= last)
            {
                return; // already delivered before a reconnection
            }
            LastOffset = o;
        }
        var value = payload.IsSingleSegment
            ? StreamSerializer.Deserialize(_outSerializer, payload.FirstSpan)
            : StreamSerializer.Deserialize(_outSerializer, payload);
        foreach (var observer in _observers)
        {
            try
            {
                observer.OnNext(value);
            }
            catch (Exception e)
            {
                lock (Gate)
                {
                    _observers = _observers.Remove(observer);
                }
                Client.Report(new ClientEvent(ClientEventKind.ObserverFailed, Route, $"An observer threw and was detached: {e.Message}"));
            }
        }
        if (_requestEvery != 0 && ++_deliveredSinceRequest >= _requestEvery)
        {
            RequestMore(_deliveredSinceRequest);
            _deliveredSinceRequest = 0;
        }
    }

    public override void OnCompleteFrame()
    {
        EndedOnWire();
        End(null);
    }

    public override void OnErrorFrame(string code, string message, StreamOffset? offset)
    {
        EndedOnWire();
        if (code == StreamErrorCodes.NotRecovered && !Options.FailIfNotRecovered)
        {
            // Items were lost: say so, then start again from what the server holds.
            Client.Report(new ClientEvent(ClientEventKind.NotRecovered, Route, message, offset));
            LastOffset = StreamOffset.Start; // everything the channel still holds; never not_recovered
            lock (Gate)
            {
                if (_ended)
                {
                    return;
                }
            }
            Client.Reopen(this);
            return;
        }
        End(code == StreamErrorCodes.NotRecovered && LastOffset is { } requested
            ? new StreamNotRecoveredException(Route, requested, offset)
            : new StreamException(code, message) { Offset = offset });
    }

    /// <summary>The client gave up or was disposed.</summary>
    public override void Abort(Exception error) => End(error);

    private void End(Exception? error)
    {
        ImmutableArray<IObserver<TOut>> observers;
        lock (Gate)
        {
            if (_ended && _observers.IsEmpty)
            {
                return;
            }
            _ended = true;
            observers = _observers;
            _observers = [];
        }
        Client.DetachStream(this);
        DropUnsent();
        foreach (var observer in observers)
        {
            try
            {
                observer.Terminate(error);
            }
            catch (Exception e)
            {
                Client.Report(new ClientEvent(ClientEventKind.ObserverFailed, Route, $"An observer threw: {e.Message}"));
            }
        }
    }
}
