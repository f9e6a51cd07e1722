using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;

namespace RxStreams.LoadTests.Servers;

/// <summary>
/// The ceiling: a raw Kestrel WebSocket server with the least a broadcast server can do. Messages are pre-serialized
/// (a published message is forwarded as the bytes it arrived as, never parsed) and whatever is queued for a socket
/// goes out in one WebSocket message (each item length-prefixed, up to 64 KiB), like RxStreams' and SignalR's own
/// batching — an unbatched ceiling would flatter everyone.
/// </summary>
/// <remarks>
/// Client → server, one binary message each: <c>01</c> subscribe, <c>02 payload</c> publish, <c>03 payload</c> echo,
/// <c>04</c> ping (ignored), <c>05 room</c> join a room, <c>06 room payload</c> publish to a room (room: a 32-bit
/// little-endian number; a connection is in one room at most). Server → client: binary messages of
/// <c>varint length, payload</c> items.
/// </remarks>
public sealed class RawServer(RedisRelay? relay)
{
    public const byte Subscribe = 1;
    public const byte Publish = 2;
    public const byte Echo = 3;
    public const byte Ping = 4;
    public const byte JoinRoom = 5;
    public const byte PublishToRoom = 6;
    private const int MaxMessage = 64 * 1024;

    private ImmutableArray<RawConnection> _subscribers = [];

    /// <summary>Many rooms: each room's subscriber list (copied on join and leave, read without a lock on publish).</summary>
    private readonly ConcurrentDictionary<int, Room> _rooms = new();

    public void Start()
    {
        relay?.Subscribe(Fanout);
    }

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new RawConnection(socket);
        var subscribed = false;
        Room? room = null;
        byte[]? buffer = null;
        try
        {
            while (true)
            {
                // Idle sockets hold no buffer: wait for data with a zero-byte read, rent one per message.
                if (buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                }
                var peek = await socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
                if (peek.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                buffer = ArrayPool<byte>.Shared.Rent(4096);
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (count == buffer.Length)
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, count).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                    result = await socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                    count += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
                if (result.MessageType == WebSocketMessageType.Close || count == 0)
                {
                    break;
                }
                switch (buffer[0])
                {
                    case Subscribe when !subscribed:
                        subscribed = true;
                        ImmutableInterlocked.Update(ref _subscribers, static (list, c) => list.Add(c), connection);
                        ServerCounters.Subscribed();
                        break;
                    case Publish:
                        var message = buffer.AsSpan(1, count - 1).ToArray(); // one copy, shared by every subscriber
                        if (relay is not null)
                        {
                            relay.Publish(message);
                        }
                        else
                        {
                            Fanout(message);
                        }
                        break;
                    case Echo:
                        connection.Enqueue(buffer.AsSpan(1, count - 1).ToArray());
                        break;
                    case JoinRoom when room is null && count >= 5:
                        room = _rooms.GetOrAdd(BitConverter.ToInt32(buffer, 1), static _ => new Room());
                        ImmutableInterlocked.Update(ref room.Members, static (list, c) => list.Add(c), connection);
                        ServerCounters.Subscribed();
                        break;
                    case PublishToRoom when count >= 5:
                        if (_rooms.TryGetValue(BitConverter.ToInt32(buffer, 1), out var target))
                        {
                            var item = buffer.AsSpan(5, count - 5).ToArray(); // one copy, shared by the room's members
                            foreach (var member in target.Members)
                            {
                                member.Enqueue(item);
                            }
                        }
                        break;
                }
            }
            if (socket.State == WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
        {
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            if (subscribed)
            {
                ImmutableInterlocked.Update(ref _subscribers, static (list, c) => list.Remove(c), connection);
                ServerCounters.Unsubscribed();
            }
            if (room is not null)
            {
                ImmutableInterlocked.Update(ref room.Members, static (list, c) => list.Remove(c), connection);
                ServerCounters.Unsubscribed();
            }
            connection.Close();
        }
    }

    private void Fanout(byte[] message)
    {
        foreach (var subscriber in _subscribers)
        {
            subscriber.Enqueue(message);
        }
    }

    private sealed class Room
    {
        public ImmutableArray<RawConnection> Members = [];
    }

    /// <summary>One socket's send queue: the first enqueue schedules a flush; the flush sends everything queued meanwhile in one message.</summary>
    private sealed class RawConnection(WebSocket socket)
    {
        private readonly object _gate = new();
        private List<byte[]> _queue = [];
        private List<byte[]> _sending = [];
        private bool _scheduled;
        private bool _closed;

        public void Enqueue(byte[] message)
        {
            lock (_gate)
            {
                if (_closed)
                {
                    return;
                }
                _queue.Add(message);
                if (_scheduled)
                {
                    return;
                }
                _scheduled = true;
            }
            ThreadPool.UnsafeQueueUserWorkItem(static c => _ = c.FlushAsync(), this, preferLocal: false);
        }

        public void Close()
        {
            lock (_gate)
            {
                _closed = true;
                _queue.Clear();
            }
        }

        private async Task FlushAsync()
        {
            var buffer = ArrayPool<byte>.Shared.Rent(MaxMessage);
            try
            {
                while (true)
                {
                    List<byte[]> batch;
                    lock (_gate)
                    {
                        if (_queue.Count == 0 || _closed)
                        {
                            _scheduled = false;
                            return;
                        }
                        (batch, _queue, _sending) = (_queue, _sending, _queue);
                    }
                    var written = 0;
                    foreach (var message in batch)
                    {
                        if (written + 5 + message.Length > MaxMessage && written > 0)
                        {
                            await socket.SendAsync(buffer.AsMemory(0, written), WebSocketMessageType.Binary, true, CancellationToken.None);
                            written = 0;
                        }
                        var length = (uint)message.Length;
                        while (length >= 0x80)
                        {
                            buffer[written++] = (byte)(length | 0x80);
                            length >>= 7;
                        }
                        buffer[written++] = (byte)length;
                        message.CopyTo(buffer.AsSpan(written));
                        written += message.Length;
                    }
                    batch.Clear();
                    await socket.SendAsync(buffer.AsMemory(0, written), WebSocketMessageType.Binary, true, CancellationToken.None);
                }
            }
            catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
            {
                lock (_gate)
                {
                    _closed = true;
                    _scheduled = false;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
