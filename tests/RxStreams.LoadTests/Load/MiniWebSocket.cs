using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace RxStreams.LoadTests.Load;

/// <summary>
/// The client side of RFC 6455 over a bare socket, for the lean clients: one receive call takes whatever the socket
/// holds (often many WebSocket messages at once under load), and the complete messages in it are handed over in
/// order. It keeps the load generator's cost per delivery far below <c>ClientWebSocket</c>'s one receive per message,
/// which matters when one core has to absorb what the server sends to a thousand connections.
/// </summary>
internal sealed class MiniWebSocket : IDisposable
{
    private const int MaxBuffer = 1024 * 1024;
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;
    private byte[]? _fragments;
    private int _fragmentLength;

    public async Task ConnectAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        await _socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(endpoint.Host == "localhost" ? "127.0.0.1" : endpoint.Host), endpoint.Port), cancellationToken);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET {endpoint.PathAndQuery} HTTP/1.1\r\nHost: {endpoint.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await _socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, cancellationToken);
        while (true)
        {
            var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new IOException("the server closed the connection during the upgrade");
            }
            _end += read;
            var headerEnd = _buffer.AsSpan(0, _end).IndexOf("\r\n\r\n"u8);
            if (headerEnd >= 0)
            {
                var status = Encoding.ASCII.GetString(_buffer, 0, Math.Min(headerEnd, 64));
                if (!status.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
                {
                    throw new IOException($"the upgrade was refused: {status.Split('\r')[0]}");
                }
                _start = headerEnd + 4;
                return;
            }
            if (_end == _buffer.Length)
            {
                throw new IOException("the upgrade response is too long");
            }
        }
    }

    /// <summary>Sends one message (masked, as a client must).</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> payload, bool text)
    {
        var length = payload.Length;
        var header = length < 126 ? 2 : length <= ushort.MaxValue ? 4 : 10;
        var frame = ArrayPool<byte>.Shared.Rent(header + 4 + length);
        try
        {
            frame[0] = (byte)(0x80 | (text ? 1 : 2));
            if (length < 126)
            {
                frame[1] = (byte)(0x80 | length);
            }
            else if (length <= ushort.MaxValue)
            {
                frame[1] = 0x80 | 126;
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)length);
            }
            else
            {
                frame[1] = 0x80 | 127;
                BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)length);
            }
            var mask = frame.AsSpan(header, 4);
            Random.Shared.NextBytes(mask);
            var body = frame.AsSpan(header + 4, length);
            payload.Span.CopyTo(body);
            for (var i = 0; i < body.Length; i++)
            {
                body[i] ^= mask[i & 3];
            }
            var total = header + 4 + length;
            var sent = 0;
            while (sent < total)
            {
                sent += await _socket.SendAsync(frame.AsMemory(sent, total - sent), SocketFlags.None);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>
    /// Receives once and calls <paramref name="onMessage"/> for every complete message now buffered; false once the
    /// server closed. (The handshake uses it too: it returns after the first call that delivered something.)
    /// </summary>
    public async ValueTask<bool> ReceiveAsync(MessageHandler onMessage, CancellationToken cancellationToken = default)
    {
        if (Deliver(onMessage, out var closed) > 0 || closed)
        {
            return !closed;
        }
        while (true)
        {
            if (_start > 0 && _start == _end)
            {
                _start = _end = 0;
            }
            if (_end == _buffer.Length)
            {
                if (_start > 0)
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }
                else if (_buffer.Length < MaxBuffer)
                {
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }
                else
                {
                    throw new IOException("a WebSocket message larger than 1 MiB");
                }
            }
            var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                return false;
            }
            _end += read;
            if (_end == _buffer.Length && _buffer.Length < 64 * 1024)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2); // busy connection: take more per receive
            }
            if (Deliver(onMessage, out closed) > 0 || closed)
            {
                return !closed;
            }
        }
    }

    public delegate void MessageHandler(ReadOnlySpan<byte> message);

    private int Deliver(MessageHandler onMessage, out bool closed)
    {
        closed = false;
        var delivered = 0;
        while (true)
        {
            var available = _buffer.AsSpan(_start, _end - _start);
            if (available.Length < 2)
            {
                return delivered;
            }
            var fin = (available[0] & 0x80) != 0;
            var opcode = available[0] & 0x0f;
            long length = available[1] & 0x7f;
            var header = 2;
            if (length == 126)
            {
                if (available.Length < 4)
                {
                    return delivered;
                }
                length = BinaryPrimitives.ReadUInt16BigEndian(available[2..]);
                header = 4;
            }
            else if (length == 127)
            {
                if (available.Length < 10)
                {
                    return delivered;
                }
                length = (long)BinaryPrimitives.ReadUInt64BigEndian(available[2..]);
                header = 10;
            }
            if ((available[1] & 0x80) != 0)
            {
                header += 4; // servers don't mask; tolerate it anyway by skipping the key (payload would be garbage)
            }
            if (available.Length < header + length)
            {
                return delivered;
            }
            var payload = available.Slice(header, (int)length);
            _start += header + (int)length;
            switch (opcode)
            {
                case 0x8:
                    closed = true;
                    return delivered;
                case 0x9 or 0xA:
                    continue; // ping/pong: nobody here needs them answered
                case 0x0 or 0x1 or 0x2 when !fin || _fragmentLength > 0:
                    _fragments ??= new byte[1024];
                    if (_fragments.Length < _fragmentLength + payload.Length)
                    {
                        Array.Resize(ref _fragments, Math.Max(_fragments.Length * 2, _fragmentLength + payload.Length));
                    }
                    payload.CopyTo(_fragments.AsSpan(_fragmentLength));
                    _fragmentLength += payload.Length;
                    if (fin)
                    {
                        onMessage(_fragments.AsSpan(0, _fragmentLength));
                        _fragmentLength = 0;
                        delivered++;
                    }
                    continue;
                default:
                    onMessage(payload);
                    delivered++;
                    continue;
            }
        }
    }

    public void Abort()
    {
        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
        }
        _socket.Dispose();
    }

    public async Task CloseAsync()
    {
        try
        {
            await SendCloseAsync();
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task SendCloseAsync()
    {
        var frame = new byte[] { 0x88, 0x82, 0, 0, 0, 0, 0x03, 0xE8 }; // close 1000, zero mask
        await _socket.SendAsync(frame, SocketFlags.None);
    }

    public void Dispose() => _socket.Dispose();
}
