using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using RxStreams.Protocol;

namespace RxStreams.Client;

/// <summary>
/// Opens the client's WebSocket to its endpoints in turn and does the handshake: HELLO with the session to resume,
/// WELCOME with the server's session and limits (<see cref="ClientConnection.Welcome"/>). Turns what can go wrong
/// (a timeout, a refused or invalid handshake, TLS, 401/403) into errors that say what to check.
/// </summary>
internal sealed class ClientConnector(Uri[] endpoints, RxStreamsClientOptions options, ILogger logger, CancellationToken disposed)
{
    private readonly Uri[] _endpoints = endpoints;
    private readonly RxStreamsClientOptions _options = options;
    private readonly ILogger _logger = logger;
    private readonly CancellationToken _disposed = disposed;
    private int _endpointIndex;

    /// <summary>Tries each endpoint once, in turn, until one completes the handshake; the last failure otherwise.</summary>
    public async Task<ClientConnection> ConnectFirstAsync(string sessionId, CancellationToken cancellationToken)
    {
        Exception? last = null;
        for (var i = 0; i < _endpoints.Length; i++)
        {
            try
            {
                return await ConnectOnceAsync(sessionId, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or TimeoutException or HttpRequestException)
            {
                last = e;
            }
        }
        throw last!;
    }

    /// <summary>Connects to the next endpoint and completes the handshake.</summary>
    public async Task<ClientConnection> ConnectOnceAsync(string sessionId, CancellationToken cancellationToken)
    {
        var endpoint = _endpoints[_endpointIndex++ % _endpoints.Length];
        var socket = new ClientWebSocket();
        _options.ConfigureWebSocket?.Invoke(socket.Options);
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        socket.Options.CollectHttpResponseDetails = true;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed);
        timeout.CancelAfter(_options.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(endpoint, timeout.Token).ConfigureAwait(false);
            var connection = new ClientConnection(socket, _options.MaxFrameSize);
            connection.Sender.Enqueue(sessionId, static (output, session) => FrameWriter.WriteHello(output, ProtocolConstants.Version, session));
            _ = SendLoopAsync(connection);
            using var buffer = new ReceiveBuffer();
            var message = await buffer.ReceiveAsync(socket, _options.MaxFrameSize, timeout.Token).ConfigureAwait(false);
            if (message is not { } welcome || !FrameReader.TryReadFrame(ref welcome, _options.MaxFrameSize, out var frame))
            {
                throw new WebSocketException($"{endpoint} closed the connection during the handshake.");
            }
            if (frame.Type == FrameType.Error)
            {
                throw new StreamException(frame.Code ?? StreamErrorCodes.ProtocolError, frame.Message ?? "The server refused the handshake.");
            }
            if (frame.Type != FrameType.Welcome || frame.Version != ProtocolConstants.Version)
            {
                throw new WebSocketException($"{endpoint} answered HELLO with {frame.Type} (version {frame.Version}), not a version {ProtocolConstants.Version} WELCOME: is it an RxStreams endpoint?");
            }
            connection.Welcome = new ClientWelcome(frame.SessionId ?? "", (int)Math.Min(int.MaxValue, frame.MaxFrameSize), TimeSpan.FromMilliseconds(Math.Max(100, frame.KeepAliveMilliseconds)), frame.Resumed);
            ClientLog.Connected(_logger, endpoint, connection.Welcome.SessionId, frame.Resumed);
            return connection;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_disposed.IsCancellationRequested)
        {
            socket.Abort();
            socket.Dispose();
            throw new TimeoutException($"Connecting to {endpoint} took longer than {_options.ConnectTimeout.TotalSeconds:0.#} seconds.");
        }
        catch (ProtocolException e)
        {
            socket.Abort();
            socket.Dispose();
            throw new WebSocketException($"{endpoint} sent an invalid handshake: {e.Message}", e);
        }
        catch (WebSocketException e) when (TlsFailure(e) is { } tls)
        {
            socket.Abort();
            socket.Dispose();
            throw new WebSocketException($"The TLS handshake with {endpoint} failed: {tls.Message} Check the server's certificate, or decide which certificates to accept with RemoteCertificateValidationCallback in ConfigureWebSocket.", e);
        }
        catch (WebSocketException e) when (socket.HttpStatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden)
        {
            socket.Abort();
            socket.Dispose();
            throw new UnauthorizedAccessException($"{endpoint} refused the connection with HTTP {(int)socket.HttpStatusCode}: the user may not connect (check the credentials set in ConfigureWebSocket).", e);
        }
        catch
        {
            socket.Abort();
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The TLS failure (an untrusted or refused server certificate) behind a failed connect, if that is what it was.</summary>
    private static System.Security.Authentication.AuthenticationException? TlsFailure(Exception error)
    {
        for (var e = error.InnerException; e is not null; e = e.InnerException)
        {
            if (e is System.Security.Authentication.AuthenticationException tls)
            {
                return tls;
            }
        }
        return null;
    }

    private async Task SendLoopAsync(ClientConnection connection)
    {
        try
        {
            await connection.Sender.RunAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // The receive loop sees the same failure and reconnects.
            ClientLog.ConnectionDropped(_logger, e.Message);
            connection.Socket.Abort();
        }
    }
}
