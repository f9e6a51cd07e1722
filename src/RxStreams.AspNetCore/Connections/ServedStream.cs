using System.Diagnostics;
using RxStreams.Channels;
using RxStreams.Diagnostics;
using RxStreams.Protocol;
using RxStreams.Routing;
using RxStreams.Serialization;
using RxStreams.Transport;

namespace RxStreams.AspNetCore.Connections;

/// <summary>
/// One open stream of a connection, as the server sees it: the handler's result is delivered here (it is the
/// <see cref="IStreamResultSink"/>), credits decide what goes out now and what waits, and whatever ends the stream
/// (completion, error, CANCEL, the connection closing) releases the handler, its scope and its subscription once.
/// </summary>
/// <remarks>
/// <para>
/// The fan-out fast path: an item whose bytes are shared (a channel's, the same for every subscriber) that finds
/// nothing held and a credit to spend goes straight to the connection's <see cref="FrameQueue"/>, whose lock is the
/// only one taken per delivery. Credits are taken with a compare-and-swap; whether the stream still takes frames, and
/// the last offset queued, live under the queue's lock (<see cref="OutboundStream"/>), so a NEXT frame can never
/// follow the stream's ERROR and the session's offset never tears. Everything else (items serialized per subscriber,
/// no credits, items held, oversized items) takes the general path under the stream's own lock.
/// </para>
/// <para>
/// Order holds across the two paths: the handler's items arrive one at a time (Rx), only they add held items, and a
/// held item counts as held until it is queued, so no item overtakes one held before it.
/// </para>
/// </remarks>
internal sealed class ServedStream : OutboundStream, IStreamResultSink
{
    private readonly Lock _gate = new();
    private readonly StreamConnection _connection;
    private readonly CancellationTokenSource _aborted = new();
    private readonly Demand _demand;
    private Queue<Held>? _held;
    // Items held (waiting for credits), counted until each is queued: the fast path is taken only at zero.
    private int _heldCount;
    private long _heldBytes;
    private uint _credits;
    private readonly bool _unbounded;
    private bool _terminated;
    private bool _finished;
    private IDisposable? _subscription;
    private TaskCompletionSource? _creditWaiter;

    public ServedStream(StreamConnection connection, uint id, string route, StreamEndpoint endpoint, uint credits)
    {
        _connection = connection;
        Id = id;
        Route = route;
        Endpoint = endpoint;
        // Credits hold for every interaction (7.4): a request opened with none gets its answer when it asks for it.
        _unbounded = credits == ProtocolConstants.UnboundedCredits;
        _credits = credits;
        _demand = new Demand(this);
        Activity = RxStreamsMetrics.ActivitySource.StartActivity(
            endpoint.Interaction == StreamInteraction.RequestResponse ? "rxstreams.invoke" : "rxstreams.stream", ActivityKind.Server);
        Activity?.SetTag("rxstreams.route", route);
        Activity?.SetTag("rxstreams.template", endpoint.Template);
        Activity?.SetTag("rxstreams.handler", endpoint.DisplayName);
        Activity?.SetTag("rxstreams.stream_id", id);
        RxStreamsMetrics.OpenStreams.Add(1);
    }

    public uint Id { get; }

    public string Route { get; }

    public StreamEndpoint Endpoint { get; }

    /// <summary>What the client writes on this stream; created when first needed (duplex streams), so others keep none.</summary>
    public StreamInput Input => _input ?? LazyInitializer.EnsureInitialized(ref _input, () => new StreamInput(_connection.MaxUnreadInputMessages, _connection));

    private StreamInput? _input;

    private static readonly StreamInput s_endedInput = EndedInput();

    private static StreamInput EndedInput()
    {
        var input = new StreamInput(1);
        input.OnCompleted();
        return input;
    }

    public Activity? Activity { get; }

    public CancellationToken Aborted => _aborted.Token;

    /// <summary>The last offset queued for the client on a resumable stream (for the session record).</summary>
    public StreamOffset? LastOffset => _connection.Outbound.LastQueuedOffset(this);

    /// <summary>A scope, handler or anything else to release when the stream ends.</summary>
    public IAsyncDisposable? Resources { get; set; }

    /// <summary>Subscribes the handler's result, with this stream's demand visible to history replay.</summary>
    public void Start(StreamHandlerResult result)
    {
        IDisposable subscription;
        using (StreamDemand.Enter(_demand))
        {
            subscription = result.Subscribe(this);
        }
        bool disposeNow;
        lock (_gate)
        {
            disposeNow = _finished;
            _subscription = disposeNow ? null : subscription;
        }
        if (disposeNow)
        {
            subscription.Dispose();
        }
    }

    // ---- IStreamResultSink: the handler's items ----

    public void OnNextShared(ReadOnlyMemory<byte> payload, StreamOffset? offset)
    {
        // The fast path (see the remarks): nothing held, the frame fits, a credit taken. (An item too big for a frame
        // goes the general path, which ends the stream.)
        if (Volatile.Read(ref _heldCount) == 0 && !Volatile.Read(ref _terminated))
        {
            var frameLength = FrameWriter.GetNextFrameLength(Id, offset, payload.Length);
            if (frameLength <= _connection.MaxFrameSize && TryTakeCredit())
            {
                // Not queued only when the stream or the connection ended meanwhile: nothing to do then.
                if (_connection.Outbound.EnqueueSharedNext(Id, offset, payload, frameLength, this))
                {
                    _connection.CheckPending();
                }
                return;
            }
        }
        Deliver(payload, default, offset, shared: true);
    }

    /// <summary>Takes one credit if there is one (always, when unbounded).</summary>
    private bool TryTakeCredit()
    {
        if (_unbounded)
        {
            return true;
        }
        var credits = Volatile.Read(ref _credits);
        while (credits > 0)
        {
            var seen = Interlocked.CompareExchange(ref _credits, credits - 1, credits);
            if (seen == credits)
            {
                return true;
            }
            credits = seen;
        }
        return false;
    }

    /// <summary>Adds credits (capped below the unbounded marker) against concurrent takers.</summary>
    private void AddCreditsAtomically(uint n)
    {
        var credits = Volatile.Read(ref _credits);
        while (true)
        {
            var next = (uint)Math.Min((ulong)credits + n, uint.MaxValue - 1);
            var seen = Interlocked.CompareExchange(ref _credits, next, credits);
            if (seen == credits)
            {
                return;
            }
            credits = seen;
        }
    }

    public void OnNext(ReadOnlySpan<byte> payload, StreamOffset? offset) => Deliver(default, payload, offset, shared: false);

    private void Deliver(ReadOnlyMemory<byte> sharedPayload, ReadOnlySpan<byte> transientPayload, StreamOffset? offset, bool shared)
    {
        var length = shared ? sharedPayload.Length : transientPayload.Length;
        var outcome = Outcome.Sent;
        lock (_gate)
        {
            if (_terminated)
            {
                return;
            }
            var frameLength = FrameWriter.GetNextFrameLength(Id, offset, length);
            if (frameLength > _connection.MaxFrameSize)
            {
                TerminateLocked(StreamErrorCodes.HandlerError, $"The handler produced an item of {length} bytes, which does not fit in a frame (max {_connection.MaxFrameSize} bytes).", null);
                outcome = Outcome.Ended;
            }
            else
            {
                if (_heldCount == 0 && TryTakeCredit())
                {
                    if (shared)
                    {
                        _connection.Outbound.EnqueueSharedNext(Id, offset, sharedPayload, frameLength, this);
                    }
                    else
                    {
                        _connection.EnqueueNext(this, offset, transientPayload);
                    }
                }
                else
                {
                    // No credits: keep it (shared bytes by reference) until the client asks for more.
                    (_held ??= new Queue<Held>()).Enqueue(new Held(shared ? sharedPayload : transientPayload.ToArray(), offset, IsComplete: false));
                    Volatile.Write(ref _heldCount, _heldCount + 1);
                    _heldBytes += length;
                    _connection.AddHeldBytes(length);
                    outcome = Outcome.Held;
                    if (_connection.TotalPendingBytes > _connection.MaxPendingBytes)
                    {
                        TerminateLocked(StreamErrorCodes.SlowConsumer,
                            $"The client read too slowly: {_connection.TotalPendingBytes} bytes were waiting for it (limit {_connection.MaxPendingBytes}).", null);
                        outcome = Outcome.SlowConsumer;
                    }
                }
            }
        }
        switch (outcome)
        {
            case Outcome.Sent:
                _connection.CheckPending();
                break;
            case Outcome.SlowConsumer:
                _connection.Handler.CountDrop();
                RxStreamsHostLog.SlowConsumerStream(_connection.Logger, _connection.ConnectionId, Id, Route);
                Finish();
                break;
            case Outcome.Ended:
                Finish();
                break;
        }
    }

    private enum Outcome
    {
        Sent,
        Held,
        SlowConsumer,
        Ended,
    }

    public void OnCompleted()
    {
        lock (_gate)
        {
            if (_terminated)
            {
                return;
            }
            Volatile.Write(ref _terminated, true);
            if (_held is { Count: > 0 })
            {
                // COMPLETE goes out after the held items, when the client has asked for them.
                _held.Enqueue(Held.Complete);
                Volatile.Write(ref _heldCount, _heldCount + 1);
                return;
            }
            _connection.EnqueueComplete(Id);
        }
        Finish();
    }

    public void OnError(Exception error) => Fail(error);

    /// <summary>Ends the stream with the ERROR the client is told about <paramref name="error"/> (see <see cref="StreamConnection.Describe"/>).</summary>
    public void Fail(Exception error)
    {
        var (code, message, offset) = _connection.Describe(error, this);
        Fail(code, message, offset);
    }

    /// <summary>
    /// Ends the stream with an ERROR frame (if it was still running) and releases it. An error jumps the queue: held
    /// items are dropped, the client learns why at once.
    /// </summary>
    public void Fail(string code, string message, StreamOffset? offset = null)
    {
        lock (_gate)
        {
            // A stream whose COMPLETE waits behind held items is still live (7.6): what ends it still ends it.
            if (_terminated && !IsCompleteHeldLocked())
            {
                return;
            }
            TerminateLocked(code, message, offset);
        }
        Finish();
    }

    /// <summary>
    /// True while the stream's COMPLETE waits behind held items: a terminated stream still holding items can only be
    /// that, since every other way to end it (an error, CANCEL) drops what it held.
    /// </summary>
    private bool IsCompleteHeldLocked() => !_finished && _held is { Count: > 0 };

    private void TerminateLocked(string code, string message, StreamOffset? offset)
    {
        Volatile.Write(ref _terminated, true);
        DropHeldLocked();
        // No NEXT from the fast path after this: the ERROR is the stream's last frame.
        _connection.Outbound.EndStream(this);
        _connection.EnqueueError(Id, code, message, offset);
    }

    // ---- From the client ----

    /// <summary>REQUEST n: sends what was held, up to the new credits.</summary>
    public void AddCredits(uint n)
    {
        var finish = false;
        lock (_gate)
        {
            if (_finished)
            {
                return;
            }
            AddCreditsAtomically(n);
            while (_held is { Count: > 0 } && _held.Peek() is var next && (next.IsComplete || TryTakeCredit()))
            {
                _held.Dequeue();
                if (next.IsComplete)
                {
                    _connection.EnqueueComplete(Id);
                    Volatile.Write(ref _heldCount, _heldCount - 1);
                    finish = true;
                    break;
                }
                ReleasingHeldItem?.Invoke(this);
                _heldBytes -= next.Payload.Length;
                _connection.AddHeldBytes(-next.Payload.Length);
                _connection.Outbound.EnqueueSharedNext(Id, next.Offset, next.Payload, FrameWriter.GetNextFrameLength(Id, next.Offset, next.Payload.Length), this);
                // Counted as held until queued: a newer item cannot overtake it.
                Volatile.Write(ref _heldCount, _heldCount - 1);
            }
            (_creditWaiter, var waiter) = (null, _creditWaiter);
            waiter?.TrySetResult();
        }
        _connection.CheckPending();
        if (finish)
        {
            Finish();
        }
    }

    /// <summary>
    /// For a test: called as each held item is released, under the stream's lock and before the item is queued, where
    /// a publisher delivering at that moment would race the release (one static read per released item; never set in
    /// an application).
    /// </summary>
    internal static Action<ServedStream>? ReleasingHeldItem;

    /// <summary>CANCEL, or the connection is gone: stop everything, send nothing more.</summary>
    public void Cancel()
    {
        lock (_gate)
        {
            Volatile.Write(ref _terminated, true);
            DropHeldLocked();
            _connection.Outbound.EndStream(this);
        }
        Finish();
    }

    private void DropHeldLocked()
    {
        if (_held is not null)
        {
            _connection.AddHeldBytes(-_heldBytes);
            _heldBytes = 0;
            _held.Clear();
            Volatile.Write(ref _heldCount, 0);
        }
        (_creditWaiter, var waiter) = (null, _creditWaiter);
        waiter?.TrySetResult();
    }

    /// <summary>Releases the subscription, the handler's scope and the stream id, once.</summary>
    private void Finish()
    {
        IDisposable? subscription;
        lock (_gate)
        {
            if (_finished)
            {
                return;
            }
            _finished = true;
            Volatile.Write(ref _terminated, true);
            (subscription, _subscription) = (_subscription, null);
        }
        _connection.Outbound.EndStream(this);
        _connection.RemoveStream(this);
        try
        {
            _aborted.Cancel();
        }
        catch (AggregateException e)
        {
            RxStreamsHostLog.ReleaseFailed(_connection.Logger, Route, e);
        }
        try
        {
            subscription?.Dispose();
        }
        catch (Exception e)
        {
            RxStreamsHostLog.ReleaseFailed(_connection.Logger, Route, e);
        }
        // An input made after this point would be the ended one: nothing a late frame sends is kept.
        if (Interlocked.CompareExchange(ref _input, s_endedInput, null) is { } input)
        {
            input.OnCompleted();
            input.Discard();
        }
        if (Resources is { } resources)
        {
            _ = ReleaseAsync(resources);
        }
        Activity?.Dispose();
        RxStreamsMetrics.OpenStreams.Add(-1);
    }

    private async Task ReleaseAsync(IAsyncDisposable resources)
    {
        try
        {
            await resources.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            RxStreamsHostLog.ReleaseFailed(_connection.Logger, Route, e);
        }
    }

    /// <summary>An item waiting for credits, or (last) the stream's COMPLETE.</summary>
    private readonly record struct Held(ReadOnlyMemory<byte> Payload, StreamOffset? Offset, bool IsComplete)
    {
        public static Held Complete => new(default, null, IsComplete: true);
    }

    /// <summary>
    /// History replay for this stream waits while the client has credits for nothing or too much is pending; the live
    /// items it keeps meanwhile may take up to half of the connection's pending limit.
    /// </summary>
    private sealed class Demand(ServedStream stream) : StreamDemand, IMemoryBudget
    {
        public override IMemoryBudget Budget => this;

        public bool TryHold(long bytes) => stream._connection.TryHold(bytes, stream._connection.MaxPendingBytes / 2);

        public void Release(long bytes) => stream._connection.AddHeldBytes(-bytes);

        public override bool HasDemand
        {
            get
            {
                var s = stream;
                return !s._terminated
                    && (s._unbounded || Volatile.Read(ref s._credits) > 0)
                    && Volatile.Read(ref s._heldBytes) == 0
                    && s._connection.Outbound.PendingBytes <= s._connection.MaxPendingBytes / 4;
            }
        }

        public override async ValueTask WaitAsync(CancellationToken cancellationToken)
        {
            var s = stream;
            var threshold = s._connection.MaxPendingBytes / 4;
            while (!HasDemand && !s._terminated)
            {
                Task blocker;
                lock (s._gate)
                {
                    var outOfCredits = (!s._unbounded && s._credits == 0) || s._heldBytes > 0;
                    // Wait on what actually blocks: the client's credits, or the socket draining. Never spin.
                    blocker = outOfCredits
                        ? (s._creditWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task
                        : s._connection.Outbound.WaitForDrainAsync(threshold);
                }
                await blocker.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
