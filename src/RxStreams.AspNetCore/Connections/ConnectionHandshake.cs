using System.Buffers;
using System.Net.WebSockets;
using RxStreams.Protocol;

namespace RxStreams.AspNetCore.Connections;

/// <summary>
/// A connection's first exchange: the client's HELLO (the only frame of the first message, the protocol version
/// checked, within <see cref="RxStreamsOptions.HandshakeTimeout"/>), the session resolved (<see cref="ConnectionSession"/>),
/// and WELCOME. Static, so a connection holds no object for it once it is done.
/// </summary>
internal static class ConnectionHandshake
{
    /// <summary>Waits for HELLO (within the handshake timeout) and answers it; false when the connection is closing instead.</summary>
    public static async Task<bool> RunAsync(StreamConnection connection)
    {
        var receive = connection.ReceiveMessageAsync().AsTask();
        ReadOnlySequence<byte>? message;
        try
        {
            // WaitAsync's timer is released as soon as HELLO arrives: a connection keeps none for the whole timeout.
            message = await receive.WaitAsync(connection.Options.HandshakeTimeout, connection.Handler.Clock).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            RxStreamsHostLog.HandshakeTimedOut(connection.Logger, connection.ConnectionId);
            connection.Close(StreamErrorCodes.HandshakeTimeout, $"No HELLO within {connection.Options.HandshakeTimeout.TotalSeconds:0.#} seconds.", WebSocketCloseStatus.PolicyViolation);
            // The receive still pending ends with the client's close (or the abort timer).
            if (await receive.ConfigureAwait(false) is not null)
            {
                await connection.DrainUntilClientClosesAsync().ConfigureAwait(false);
            }
            return false;
        }
        if (message is not { } buffer)
        {
            // The client closed, or its first message was refused (text, too large): in the second case the ERROR
            // frame is on its way and the client must get the chance to read it and answer the close.
            await connection.DrainUntilClientClosesAsync().ConfigureAwait(false);
            return false;
        }
        if (await AcceptHelloAsync(connection, buffer).ConfigureAwait(false))
        {
            return true;
        }
        await connection.DrainUntilClientClosesAsync().ConfigureAwait(false);
        return false;
    }

    /// <summary>Checks HELLO, resolves the session and answers WELCOME; false (the connection closing) when anything is wrong.</summary>
    private static async Task<bool> AcceptHelloAsync(StreamConnection connection, ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            connection.Close(StreamErrorCodes.ProtocolError, "An empty message carries no frame.", WebSocketCloseStatus.ProtocolError);
            return false;
        }
        if (!connection.TryReadFrame(ref buffer, out var hello))
        {
            return false;
        }
        if (hello.Type != FrameType.Hello)
        {
            connection.Close(StreamErrorCodes.ProtocolError, $"The first frame must be HELLO, not {hello.Type}.", WebSocketCloseStatus.ProtocolError);
            return false;
        }
        if (hello.Version != ProtocolConstants.Version)
        {
            connection.Close(StreamErrorCodes.UnsupportedVersion,
                $"The client speaks protocol version {hello.Version}; this server speaks version {ProtocolConstants.Version}. Update the client.",
                WebSocketCloseStatus.ProtocolError);
            return false;
        }
        if (!buffer.IsEmpty)
        {
            connection.Close(StreamErrorCodes.ProtocolError, "HELLO must be the only frame of its message; send nothing else before WELCOME.", WebSocketCloseStatus.ProtocolError);
            return false;
        }
        // The session id is read from the buffer before the await: the receive buffer is reused afterwards.
        var requested = hello.SessionId;
        var resumed = await connection.Session.ResolveAsync(connection.User, requested).ConfigureAwait(false);
        if (connection.IsClosing)
        {
            return false;
        }
        // Encoded on its own, not in the staging buffer: a connection that then only receives shared items (a
        // subscriber) never needs one.
        var welcome = new ArrayBufferWriter<byte>(64);
        FrameWriter.WriteWelcome(welcome, ProtocolConstants.Version, connection.SessionId, resumed, (uint)connection.Options.KeepAliveInterval.TotalMilliseconds, (uint)connection.Options.MaxFrameSize);
        connection.Outbound.EnqueueEncoded(welcome.WrittenMemory);
        RxStreamsHostLog.HandshakeDone(connection.Logger, connection.ConnectionId, connection.SessionId, resumed);
        return true;
    }
}
