using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Tasks.Sources;
using RxStreams.Diagnostics;
using RxStreams.Protocol;

namespace RxStreams.Transport;

/// <summary>
/// The frames waiting to be sent on one WebSocket (server or client side), and the one loop that sends them. Frames are batched: whatever
/// is queued when the loop wakes goes out in as few WebSocket messages as the frame size allows. Small frames are
/// encoded into a staging buffer when queued; NEXT frames whose payload is shared (a channel's bytes, the same for
/// every subscriber) keep a reference and are encoded straight into the batch, so a broadcast costs no serialization
/// and no allocation per recipient.
/// </summary>
/// <remarks>
/// Per frame, queuing costs one lock and a list append: the loop is woken (through a reusable, allocation-free
/// signal) only when it is actually waiting, so a busy connection takes its frames in batches without a wake-up each.
/// An idle queue holds no buffers: the outgoing batch is rented from the array pool for each send, and the staging
/// buffers (for frames that are not shared) are rented on first use and given back by <see cref="TrimIdleBuffers"/>
/// once a whole interval went by without one (a busy connection keeps them: renting per send would miss the pool
/// under load and allocate). Fixed frames (PING, WELCOME) are queued already encoded and need no staging.
/// </remarks>
internal sealed class FrameQueue : IValueTaskSource, IThreadPoolWorkItem
{
    private readonly Lock _gate = new();
    private readonly WebSocket _socket;
    private int _maxMessageSize;
    private ManualResetValueTaskSourceCore<bool> _signal;
    private bool _waiting;
    private List<Entry> _entries = [];
    private List<Entry> _spareEntries = [];
    private PooledBufferWriter? _staging;
    private PooledBufferWriter? _spareStaging;
    private bool _stagingUsed;
    private long _pendingBytes;
    // The part of _pendingBytes the writer has taken and is sending (it leaves _pendingBytes as its sends complete).
    private long _inFlightBytes;
    private bool _completed;
    private bool _discarding;
    private List<TaskCompletionSource>? _drainWaiters;

    public FrameQueue(WebSocket socket, int maxMessageSize)
    {
        _socket = socket;
        _maxMessageSize = maxMessageSize;
    }

    /// <summary>The largest WebSocket message sent (the peer's limit); frames are batched up to it.</summary>
    public int MaxMessageSize
    {
        get => Volatile.Read(ref _maxMessageSize);
        set => Volatile.Write(ref _maxMessageSize, value);
    }

    /// <summary>Bytes queued and not yet handed to the socket.</summary>
    public long PendingBytes => Volatile.Read(ref _pendingBytes);

    /// <summary>The largest <see cref="PendingBytes"/> ever reached (for tests and diagnostics).</summary>
    public long PeakPendingBytes { get; private set; }

    /// <summary>Frames sent so far.</summary>
    public long FramesSent { get; private set; }

    /// <summary>Queues a frame written by <paramref name="write"/> (it must write exactly one length-prefixed frame).</summary>
    public bool Enqueue<TState>(TState state, Action<IBufferWriter<byte>, TState> write)
        where TState : allows ref struct
        => Enqueue(state, write, null, null);

    /// <summary>
    /// Queues a NEXT frame of <paramref name="stream"/> written by <paramref name="write"/>, unless the stream ended;
    /// records <paramref name="offset"/> as the stream's last queued one.
    /// </summary>
    public bool Enqueue<TState>(TState state, Action<IBufferWriter<byte>, TState> write, OutboundStream? stream, StreamOffset? offset)
        where TState : allows ref struct
    {
        bool wake;
        int length;
        lock (_gate)
        {
            if (!AcceptsLocked(stream, offset))
            {
                return false;
            }
            var staging = _staging ??= new PooledBufferWriter();
            _stagingUsed = true;
            var start = staging.WrittenCount;
            write(staging, state);
            length = staging.WrittenCount - start;
            wake = AddLocked(Entry.Staged(start, length));
        }
        Queued(length, wake);
        return true;
    }

    /// <summary>Queues a frame already encoded (length prefix included) in bytes that do not change: it is copied only into the outgoing batch.</summary>
    public bool EnqueueEncoded(ReadOnlyMemory<byte> frame)
    {
        bool wake;
        lock (_gate)
        {
            if (!AcceptsLocked(null, null))
            {
                return false;
            }
            wake = AddLocked(Entry.Encoded(frame));
        }
        Queued(frame.Length, wake);
        return true;
    }

    /// <summary>
    /// Gives the staging buffers back to the pool if no frame was staged since the last call and the loop is waiting:
    /// called now and then (the host's heartbeat), so a quiet connection holds none and a busy one keeps its own.
    /// </summary>
    public void TrimIdleBuffers()
    {
        lock (_gate)
        {
            if (_waiting && !_stagingUsed)
            {
                _staging?.Release();
                _spareStaging?.Release();
            }
            _stagingUsed = false;
        }
    }

    /// <summary>Queues a NEXT frame whose payload is immutable and shared: it is copied only into the outgoing batch.</summary>
    public bool EnqueueSharedNext(uint streamId, StreamOffset? offset, ReadOnlyMemory<byte> payload)
        => EnqueueSharedNext(streamId, offset, payload, FrameWriter.GetNextFrameLength(streamId, offset, payload.Length), null);

    /// <summary>
    /// As <see cref="EnqueueSharedNext(uint, StreamOffset?, ReadOnlyMemory{byte})"/>, with the frame's length already
    /// computed by the caller, for <paramref name="stream"/> (if given): not queued once it ended, and its last queued
    /// offset recorded.
    /// </summary>
    public bool EnqueueSharedNext(uint streamId, StreamOffset? offset, ReadOnlyMemory<byte> payload, int length, OutboundStream? stream)
    {
        // The hot path of a broadcast (once per recipient): keep the locked part to an append.
        bool wake;
        lock (_gate)
        {
            if (!AcceptsLocked(stream, offset))
            {
                return false;
            }
            wake = AddLocked(Entry.SharedNext(length, payload, streamId, offset));
        }
        Queued(length, wake);
        return true;
    }

    /// <summary>
    /// Whether a frame may be queued now: not once the queue completed or discards, nor a NEXT of a stream that ended.
    /// When it may, <paramref name="offset"/> becomes the stream's last queued one.
    /// </summary>
    private bool AcceptsLocked(OutboundStream? stream, StreamOffset? offset)
    {
        if (_completed || _discarding || stream is { Ended: true })
        {
            return false;
        }
        if (stream is not null && offset is not null)
        {
            stream.LastQueued = offset;
        }
        return true;
    }

    /// <summary>Appends <paramref name="entry"/> and counts it as pending; true when the caller must wake the loop (outside the lock).</summary>
    private bool AddLocked(in Entry entry)
    {
        _entries.Add(entry);
        AddPendingLocked(entry.Length);
        return TakeWaiterLocked();
    }

    /// <summary>After the lock: the send-queue metric, and the wake-up <see cref="AddLocked"/> asked for.</summary>
    private void Queued(int length, bool wake)
    {
        RxStreamsMetrics.SendQueueBytes.Add(length);
        if (wake)
        {
            Wake();
        }
    }

    /// <summary>Marks <paramref name="stream"/> ended: none of its NEXT frames is queued after this returns.</summary>
    public void EndStream(OutboundStream stream)
    {
        lock (_gate)
        {
            stream.Ended = true;
        }
    }

    /// <summary>The offset of the last NEXT frame <paramref name="stream"/> queued.</summary>
    public StreamOffset? LastQueuedOffset(OutboundStream stream)
    {
        lock (_gate)
        {
            return stream.LastQueued;
        }
    }

    /// <summary>
    /// Resumes the waiting loop on the thread pool's global queue (first in, first out), never inline: a fan-out that
    /// queues frames for a thousand connections goes on to the next message while the sends wait their turn, so under
    /// load each connection's frames pile up and go out in fewer, larger messages. (Continuations of a value task
    /// source go to the current thread's local queue instead, which runs every send before the next fan-out.)
    /// </summary>
    private void Wake() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    /// <summary>The wake-up work item (queued at most once per wait, so never twice at a time): resumes the loop here.</summary>
    void IThreadPoolWorkItem.Execute() => _signal.SetResult(true);

    /// <summary>True (once) when the loop is waiting for frames: the caller then signals it, outside the lock.</summary>
    private bool TakeWaiterLocked()
    {
        if (!_waiting)
        {
            return false;
        }
        _waiting = false;
        return true;
    }

    /// <summary>Counts a queued frame in <see cref="PendingBytes"/> and its peak; the caller updates the send-queue metric (after the lock on the enqueue paths).</summary>
    private void AddPendingLocked(long bytes)
    {
        var pending = _pendingBytes + bytes;
        Volatile.Write(ref _pendingBytes, pending);
        if (pending > PeakPendingBytes)
        {
            PeakPendingBytes = pending;
        }
    }

    /// <summary>Drops everything queued and then queues only what <paramref name="write"/> writes (a last ERROR), after which nothing more is accepted.</summary>
    public void DiscardAndEnqueueLast<TState>(TState state, Action<IBufferWriter<byte>, TState> write)
        where TState : allows ref struct
    {
        bool wake;
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }
            // What the writer is sending stays counted until its send completes; the rest is dropped now.
            RxStreamsMetrics.SendQueueBytes.Add(-(_pendingBytes - _inFlightBytes));
            Volatile.Write(ref _pendingBytes, _inFlightBytes);
            _entries.Clear();
            var staging = _staging ??= new PooledBufferWriter();
            staging.ResetWrittenCount();
            write(staging, state);
            _entries.Add(Entry.Staged(0, staging.WrittenCount));
            AddPendingLocked(staging.WrittenCount);
            RxStreamsMetrics.SendQueueBytes.Add(staging.WrittenCount);
            _discarding = true;
            _completed = true;
            wake = TakeWaiterLocked();
        }
        if (wake)
        {
            Wake();
        }
    }

    /// <summary>No more frames: the loop sends what is queued and returns.</summary>
    public void Complete()
    {
        bool wake;
        lock (_gate)
        {
            _completed = true;
            wake = TakeWaiterLocked();
        }
        if (wake)
        {
            Wake();
        }
    }

    /// <summary>Completes when <see cref="PendingBytes"/> falls to <paramref name="threshold"/> or below (or the queue completes).</summary>
    public Task WaitForDrainAsync(long threshold)
    {
        lock (_gate)
        {
            if (_pendingBytes <= threshold || _completed)
            {
                return Task.CompletedTask;
            }
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (_drainWaiters ??= []).Add(waiter);
            return waiter.Task;
        }
    }

    /// <summary>Sends until <see cref="Complete"/> and everything queued went out, or the socket fails.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var cancellation = cancellationToken.CanBeCanceled ? cancellationToken.UnsafeRegister(static q => ((FrameQueue)q!).Complete(), this) : default;
        try
        {
            while (true)
            {
                List<Entry> entries;
                PooledBufferWriter? staging;
                ValueTask wait = default;
                var idle = false;
                lock (_gate)
                {
                    if (_entries.Count == 0)
                    {
                        if (_completed)
                        {
                            return;
                        }
                        // Nothing queued: sleep until a frame (or Complete) signals, without allocating.
                        _signal.Reset();
                        _waiting = true;
                        wait = new ValueTask(this, _signal.Version);
                        idle = true;
                        entries = _entries;
                        staging = null;
                    }
                    else
                    {
                        (entries, _entries, _spareEntries) = (_entries, _spareEntries, _entries);
                        _inFlightBytes = _pendingBytes;
                        (staging, _staging, _spareStaging) = (_staging, _spareStaging, _staging);
                    }
                }
                if (idle)
                {
                    await wait.ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                    continue;
                }
                await SendAsync(entries, staging, cancellationToken).ConfigureAwait(false);
                entries.Clear();
                staging?.ResetWrittenCount();
            }
        }
        finally
        {
            lock (_gate)
            {
                _completed = true;
                _waiting = false;
                _staging?.Release();
                _spareStaging?.Release();
                RxStreamsMetrics.SendQueueBytes.Add(-_pendingBytes);
                Volatile.Write(ref _pendingBytes, 0);
                _inFlightBytes = 0;
                ReleaseDrainWaitersLocked();
            }
        }
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAsync(List<Entry> entries, PooledBufferWriter? staging, CancellationToken cancellationToken)
    {
        // The batch buffer is the pool's only while a send is under way: idle connections hold none.
        var max = MaxMessageSize;
        var batch = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var written = 0;
            long batchBytes = 0;
            foreach (var entry in entries)
            {
                var length = entry.Length;
                if (written + length > max && written > 0)
                {
                    await FlushAsync(batch, written, batchBytes, cancellationToken).ConfigureAwait(false);
                    written = 0;
                    batchBytes = 0;
                }
                if (length > batch.Length - written)
                {
                    // Only a frame above the peer's limit can get here (the sender checked the limit already).
                    var bigger = ArrayPool<byte>.Shared.Rent(written + length);
                    batch.AsSpan(0, written).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(batch);
                    batch = bigger;
                }
                switch (entry.Kind)
                {
                    case EntryKind.SharedNext:
                        FrameWriter.WriteNext(batch.AsSpan(written, length), entry.StreamId, entry.Offset, entry.Bytes.Span);
                        break;
                    case EntryKind.Encoded:
                        entry.Bytes.Span.CopyTo(batch.AsSpan(written));
                        break;
                    default:
                        staging!.WrittenSpan.Slice(entry.Start, length).CopyTo(batch.AsSpan(written));
                        break;
                }
                written += length;
                batchBytes += length;
            }
            await FlushAsync(batch, written, batchBytes, cancellationToken).ConfigureAwait(false);
            FramesSent += entries.Count;
            RxStreamsMetrics.FramesOut.Add(entries.Count);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(batch);
        }
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FlushAsync(byte[] batch, int written, long batchBytes, CancellationToken cancellationToken)
    {
        if (written == 0)
        {
            return;
        }
        await _socket.SendAsync(batch.AsMemory(0, written), WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        RxStreamsMetrics.BytesOut.Add(written);
        long released;
        lock (_gate)
        {
            var pending = Math.Max(0, _pendingBytes - batchBytes);
            released = _pendingBytes - pending;
            Volatile.Write(ref _pendingBytes, pending);
            _inFlightBytes = Math.Max(0, _inFlightBytes - batchBytes);
            ReleaseDrainWaitersLocked();
        }
        RxStreamsMetrics.SendQueueBytes.Add(-released);
    }

    // IValueTaskSource: the loop's wait for frames.
    void IValueTaskSource.GetResult(short token) => _signal.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _signal.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _signal.OnCompleted(continuation, state, token, flags);

    private void ReleaseDrainWaitersLocked()
    {
        if (_drainWaiters is null)
        {
            return;
        }
        // Waiters may have asked for different thresholds: wake them all, each checks again.
        foreach (var waiter in _drainWaiters)
        {
            waiter.TrySetResult();
        }
        _drainWaiters = null;
    }

    /// <summary>What a queued frame's bytes are.</summary>
    private enum EntryKind : byte
    {
        /// <summary>A range of the staging buffer (<see cref="Entry.Start"/>, <see cref="Entry.Length"/>).</summary>
        Staged,

        /// <summary>A NEXT frame to encode over a shared payload (<see cref="Entry.Bytes"/>).</summary>
        SharedNext,

        /// <summary>A whole frame already encoded in <see cref="Entry.Bytes"/>.</summary>
        Encoded,
    }

    /// <summary>A queued frame; <see cref="Length"/> is its size on the wire.</summary>
    private readonly record struct Entry(EntryKind Kind, int Start, int Length, ReadOnlyMemory<byte> Bytes, uint StreamId, StreamOffset? Offset)
    {
        public static Entry Staged(int start, int length) => new(EntryKind.Staged, start, length, default, 0, null);

        public static Entry SharedNext(int length, ReadOnlyMemory<byte> payload, uint streamId, StreamOffset? offset) => new(EntryKind.SharedNext, 0, length, payload, streamId, offset);

        public static Entry Encoded(ReadOnlyMemory<byte> frame) => new(EntryKind.Encoded, 0, frame.Length, frame, 0, null);
    }
}
