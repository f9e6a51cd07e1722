using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace RxStreams.Client;

/// <summary>Options of an <see cref="RxStreamsClient"/>.</summary>
public sealed class RxStreamsClientOptions
{
    /// <summary>
    /// The first delay before reconnecting. Before attempt k the client waits a random time in [d/2, d] with
    /// d = min(<see cref="MaxReconnectDelay"/>, this × 2^k); k starts again once a connection stayed up 30 seconds.
    /// After a server told the client to move (<c>server_shutting_down</c>), the first attempt goes without a delay.
    /// Default 500 ms.
    /// </summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest delay between reconnection attempts. Default 30 seconds.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Give up (state <see cref="ConnectionState.Closed"/>) after this many failed attempts in a row; null never gives up. Default null.</summary>
    public int? MaxReconnectAttempts { get; set; }

    /// <summary>
    /// Decides the delay before each reconnection attempt and when to stop, instead of <see cref="ReconnectDelay"/>,
    /// <see cref="MaxReconnectDelay"/> and <see cref="MaxReconnectAttempts"/> (which build the default, an
    /// <see cref="ExponentialReconnectPolicy"/>). Null for that default. A server that drains (it sends
    /// <c>server_shutting_down</c> and closes) is not a failure: the client reconnects at once, without asking the
    /// policy; if that attempt fails, the policy decides from there.
    /// </summary>
    public IReconnectPolicy? ReconnectPolicy { get; set; }

    /// <summary>How long connecting and the handshake may take. Default 10 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The connection is considered dead when nothing arrives for this long (the server pings at the interval it
    /// announces in WELCOME). Default: twice that interval, as the protocol says.
    /// </summary>
    public TimeSpan? ServerTimeout { get; set; }

    /// <summary>How long <see cref="RxStreamsClient.InvokeAsync{TRequest, TResponse}"/> waits by default. Default 30 seconds.</summary>
    public TimeSpan InvokeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many input messages may wait while disconnected, over all streams; beyond, sending fails with <c>buffer_full</c>. Default 1,000.</summary>
    public int MaxBufferedMessages { get; set; } = 1000;

    /// <summary>
    /// The largest frame the client sends (the server's own limit, from the handshake, applies too): a larger
    /// <c>OnNext</c>, request or hosted server's answer fails with <c>frame_too_large</c> and the connection is not
    /// affected. The client accepts messages up to this or the server's limit, whichever is larger. Default 64 KiB.
    /// </summary>
    public int MaxFrameSize { get; set; } = Protocol.ProtocolConstants.DefaultMaxFrameSize;

    /// <summary>
    /// Called on every new WebSocket before it connects: set headers, cookies, a bearer token, a proxy, or (for
    /// <c>wss://</c>) a <see cref="ClientWebSocketOptions.RemoteCertificateValidationCallback"/> that decides which server
    /// certificates to accept, for example to pin one.
    /// </summary>
    public Action<ClientWebSocketOptions>? ConfigureWebSocket { get; set; }

    /// <summary>Where the client logs (connections, reconnections, protocol errors); null for nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// The clock of reconnection: the backoff delays wait on it, and it measures the 30 seconds a connection must hold
    /// for the backoff to start over. Default <see cref="TimeProvider.System"/>; tests pass a virtual one.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReconnectDelay, TimeSpan.Zero, nameof(ReconnectDelay));
        if (MaxReconnectAttempts is { } attempts)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(attempts, nameof(MaxReconnectAttempts));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReconnectDelay, ReconnectDelay, nameof(MaxReconnectDelay));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(InvokeTimeout, TimeSpan.Zero, nameof(InvokeTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBufferedMessages, 0, nameof(MaxBufferedMessages));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFrameSize, 1024, nameof(MaxFrameSize));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }
}
