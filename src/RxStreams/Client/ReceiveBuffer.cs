using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using RxStreams.Protocol;

namespace RxStreams.Client;

/// <summary>
/// Where the client receives WebSocket messages: an array rented from the pool, doubled for a large message and
/// returned once, on <see cref="Dispose"/>. It owns the array, so a receive that fails after growing it cannot hand
/// the pool an array twice.
/// </summary>
internal sealed class ReceiveBuffer : IDisposable
{
    private byte[] _array = ArrayPool<byte>.Shared.Rent(4096);

    /// <summary>Receives one whole message: its bytes (valid until the next call), or null when the peer closed.</summary>
    /// <exception cref="ProtocolException"><c>frame_too_large</c>: the message is larger than <paramref name="max"/> bytes.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ReadOnlySequence<byte>?> ReceiveAsync(WebSocket socket, int max, CancellationToken cancellationToken)
    {
        var count = 0;
        while (true)
        {
            if (count == _array.Length)
            {
                if (count > max)
                {
                    throw new ProtocolException(StreamErrorCodes.FrameTooLarge, $"The server sent a message larger than {max} bytes.");
                }
                var bigger = ArrayPool<byte>.Shared.Rent(count * 2);
                _array.AsSpan(0, count).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_array);
                _array = bigger;
            }
            var result = await socket.ReceiveAsync(_array.AsMemory(count), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }
            count += result.Count;
            if (result.EndOfMessage)
            {
                return new ReadOnlySequence<byte>(_array, 0, count);
            }
        }
    }

    public void Dispose()
    {
        var array = _array;
        _array = [];
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
