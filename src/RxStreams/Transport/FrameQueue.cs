using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
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
internal sealed class FrameQueue
{
    private readonly object _gate = new();
    private readonly WebSocket _socket;
    private int _maxMessageSize;
    private readonly Channel<bool> _wakeUp = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly ArrayBufferWriter<byte> _batch;
    private List<Entry> _entries = [];
    private List<Entry> _spareEntries = [];
    private ArrayBufferWriter<byte> _staging = new(4096);
    private ArrayBufferWriter<byte> _spareStaging = new(4096);
    private long _pendingBytes;
    private bool _completed;
    private bool _discarding;
    private List<TaskCompletionSource>? _drainWaiters;

    public FrameQueue(WebSocket socket, int maxMessageSize)
    {
        _socket = socket;
        _maxMessageSize = maxMessageSize;
        _batch = new ArrayBufferWriter<byte>(Math.Min(maxMessageSize, 16 * 1024));
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
    {
        lock (_gate)
        {
            if (_completed || _discarding)
            {
                return false;
            }
            var start = _staging.WrittenCount;
            write(_staging, state);
            var length = _staging.WrittenCount - start;
            _entries.Add(new Entry(start, length, default, 0, null, IsShared: false));
            AddPendingLocked(length);
        }
        _wakeUp.Writer.TryWrite(true);
        return true;
    }

    /// <summary>Queues a NEXT frame whose payload is immutable and shared: it is copied only into the outgoing batch.</summary>
    public bool EnqueueSharedNext(uint streamId, StreamOffset? offset, ReadOnlyMemory<byte> payload)
    {
        lock (_gate)
        {
            if (_completed || _discarding)
            {
                return false;
            }
            _entries.Add(new Entry(0, 0, payload, streamId, offset, IsShared: true));
            AddPendingLocked(FrameWriter.GetNextFrameLength(streamId, offset, payload.Length));
        }
        _wakeUp.Writer.TryWrite(true);
        return true;
    }

    private void AddPendingLocked(long bytes)
    {
        var pending = _pendingBytes + bytes;
        Volatile.Write(ref _pendingBytes, pending);
        if (pending > PeakPendingBytes)
        {
            PeakPendingBytes = pending;
        }
        RxStreamsMetrics.SendQueueBytes.Add(bytes);
    }

    /// <summary>Drops everything queued and then queues only what <paramref name="write"/> writes (a last ERROR), after which nothing more is accepted.</summary>
    public void DiscardAndEnqueueLast<TState>(TState state, Action<IBufferWriter<byte>, TState> write)
        where TState : allows ref struct
    {
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }
            RxStreamsMetrics.SendQueueBytes.Add(-_pendingBytes);
            Volatile.Write(ref _pendingBytes, 0);
            _entries.Clear();
            _staging.ResetWrittenCount();
            var start = _staging.WrittenCount;
            write(_staging, state);
            _entries.Add(new Entry(start, _staging.WrittenCount - start, default, 0, null, IsShared: false));
            AddPendingLocked(_staging.WrittenCount - start);
            _discarding = true;
            _completed = true;
        }
        _wakeUp.Writer.TryWrite(true);
    }

    /// <summary>No more frames: the loop sends what is queued and returns.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
        }
        _wakeUp.Writer.TryWrite(true);
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
        try
        {
            while (true)
            {
                List<Entry> entries;
                ArrayBufferWriter<byte> staging;
                bool last;
                lock (_gate)
                {
                    (entries, _entries, _spareEntries) = (_entries, _spareEntries, _entries);
                    (staging, _staging, _spareStaging) = (_staging, _spareStaging, _staging);
                    last = _completed;
                }
                if (entries.Count > 0)
                {
                    await SendAsync(entries, staging, cancellationToken).ConfigureAwait(false);
                    entries.Clear();
                    staging.ResetWrittenCount();
                    if (staging.Capacity > 1024 * 1024)
                    {
                        // A burst grew it; don't keep a big buffer for an idle connection.
                        lock (_gate)
                        {
                            _spareStaging = new ArrayBufferWriter<byte>(4096);
                        }
                    }
                    continue;
                }
                if (last)
                {
                    return;
                }
                await _wakeUp.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
                _wakeUp.Reader.TryRead(out _);
            }
        }
        finally
        {
            lock (_gate)
            {
                _completed = true;
                RxStreamsMetrics.SendQueueBytes.Add(-_pendingBytes);
                Volatile.Write(ref _pendingBytes, 0);
                ReleaseDrainWaitersLocked();
            }
        }
    }

    private async Task SendAsync(List<Entry> entries, ArrayBufferWriter<byte> staging, CancellationToken cancellationToken)
    {
        long batchBytes = 0;
        foreach (var entry in entries)
        {
            int length;
            if (!entry.IsShared)
            {
                length = entry.Length;
                if (_batch.WrittenCount + length > MaxMessageSize && _batch.WrittenCount > 0)
                {
                    batchBytes = await FlushAsync(batchBytes, cancellationToken).ConfigureAwait(false);
                }
                staging.WrittenSpan.Slice(entry.Start, length).CopyTo(_batch.GetSpan(length));
                _batch.Advance(length);
            }
            else
            {
                length = FrameWriter.GetNextFrameLength(entry.StreamId, entry.Offset, entry.Shared.Length);
                if (_batch.WrittenCount + length > MaxMessageSize && _batch.WrittenCount > 0)
                {
                    batchBytes = await FlushAsync(batchBytes, cancellationToken).ConfigureAwait(false);
                }
                FrameWriter.WriteNext(_batch, entry.StreamId, entry.Offset, entry.Shared.Span);
            }
            batchBytes += length;
            FramesSent++;
        }
        await FlushAsync(batchBytes, cancellationToken).ConfigureAwait(false);
        RxStreamsMetrics.FramesOut.Add(entries.Count);
    }

    private async ValueTask<long> FlushAsync(long batchBytes, CancellationToken cancellationToken)
    {
        if (_batch.WrittenCount == 0)
        {
            return 0;
        }
        await _socket.SendAsync(_batch.WrittenMemory, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        RxStreamsMetrics.BytesOut.Add(_batch.WrittenCount);
        _batch.ResetWrittenCount();
        lock (_gate)
        {
            var pending = Math.Max(0, _pendingBytes - batchBytes);
            RxStreamsMetrics.SendQueueBytes.Add(pending - _pendingBytes);
            Volatile.Write(ref _pendingBytes, pending);
            ReleaseDrainWaitersLocked();
        }
        return 0;
    }

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

    /// <summary>A queued frame: a range of the staging buffer, or a NEXT frame over a shared payload.</summary>
    private readonly record struct Entry(int Start, int Length, ReadOnlyMemory<byte> Shared, uint StreamId, StreamOffset? Offset, bool IsShared);
}
