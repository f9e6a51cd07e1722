using RxStreams.Protocol;
using RxStreams.Routing;

namespace RxStreams.AspNetCore;

/// <summary>
/// Options of the RxStreams WebSocket endpoint. Every limit has a default; each one protects the server from a
/// client that misbehaves (by bug or by intent) without affecting the other connections.
/// </summary>
public sealed class RxStreamsOptions
{
    /// <summary>The largest WebSocket message (and so frame) accepted or sent. Default 64 KiB.</summary>
    public int MaxFrameSize { get; set; } = ProtocolConstants.DefaultMaxFrameSize;

    /// <summary>The most streams one connection may have open at once (an OPEN beyond gets <c>too_many_streams</c>). Default 256.</summary>
    public int MaxStreamsPerConnection { get; set; } = 256;

    /// <summary>The longest route accepted, in characters (a longer one gets <c>bad_route_value</c>). Default 256.</summary>
    public int MaxRouteLength { get; set; } = 256;

    /// <summary>
    /// The most bytes the server keeps for one connection: frames waiting to be sent, items waiting for credits, live
    /// items kept while history is replayed (up to half of it; past that they are read again from history), input a
    /// handler has not read and requests waiting for an asynchronous authorization policy. A stream whose held item
    /// takes the total beyond it is ended with <c>slow_consumer</c> (unread input and waiting requests with
    /// <c>rate_limited</c>); when the send queue alone is beyond it (the socket itself is stuck), the connection is.
    /// Memory stays bounded whatever the client does. History replay waits while more than a quarter of it is
    /// pending. Default 1 MiB.
    /// </summary>
    public int MaxPendingBytesPerConnection { get; set; } = 1024 * 1024;

    /// <summary>How long a new connection has to send HELLO. Default 10 seconds.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a connection the server ends (a slow consumer, a protocol error, a keep-alive timeout, shutdown) has to
    /// take its last frames and answer the close handshake; after it the socket is aborted. Default 5 seconds.
    /// </summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a node that is stopping waits for its connections to move. When the application stops, the endpoint
    /// refuses new connections (503 with Retry-After), tells every client to move (<c>ERROR(0, server_shutting_down)</c>:
    /// clients reconnect at once, to another node, and resume their streams), and closes each connection (1001) as soon
    /// as its requests in flight (request/response and fire-and-forget routes) have been answered; connections still
    /// busy after this time are closed anyway. Keep it below the host's shutdown timeout
    /// (<c>HostOptions.ShutdownTimeout</c>, 30 seconds by default). <see cref="TimeSpan.Zero"/> closes every connection
    /// at once. Default 10 seconds.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the server pings each connection (announced to clients in WELCOME; they treat twice this without a frame as a dead server). Default 15 seconds.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long the server waits without receiving anything (a PONG at least) before it closes the connection with
    /// <c>keepalive_timeout</c>. Default 30 seconds (two keep-alive intervals, as the protocol says).
    /// </summary>
    public TimeSpan ClientTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The OPEN and NEXT frames (with or without a payload; a hosted server's answers included) a connection may send
    /// per second, on average. Beyond, the frame is refused: the OPEN is answered, or its stream ended, with
    /// <c>rate_limited</c>. Other frames are not counted: each costs O(1), and their answers count against
    /// <see cref="MaxPendingBytesPerConnection"/>. Default 1,000.
    /// </summary>
    public int MaxMessagesPerSecond { get; set; } = 1000;

    /// <summary>
    /// The most input messages (NEXT on a duplex stream) the server keeps for a handler that has not subscribed its
    /// input yet, for example while an asynchronous authorization policy runs. One more ends the stream with
    /// <c>rate_limited</c>. Default 64.
    /// </summary>
    public int MaxUnreadInputMessages { get; set; } = StreamInput.DefaultMaxBuffered;

    /// <summary>How many messages a connection may send in a burst above <see cref="MaxMessagesPerSecond"/>. Default 2,000.</summary>
    public int MessageBurst { get; set; } = 2000;

    /// <summary>
    /// The origins allowed to open a WebSocket, e.g. <c>https://chat.example.com</c>; <c>*</c> allows any.
    /// When empty (the default), a browser may connect only from the same origin as the endpoint; requests without
    /// an Origin header (non-browser clients) are always allowed. A disallowed origin is refused with 403 before the upgrade.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>
    /// Send handler exception messages to clients in <c>handler_error</c> frames. Off by default (the message then says
    /// only that the handler failed); turn on in development. <see cref="StreamException"/> messages are always sent.
    /// </summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>How long a session (its id, user and streams) is remembered after its last connection ends. Default 1 hour.</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromHours(1);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFrameSize, 1024, nameof(MaxFrameSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxStreamsPerConnection, 1, nameof(MaxStreamsPerConnection));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRouteLength, 1, nameof(MaxRouteLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingBytesPerConnection, MaxFrameSize, nameof(MaxPendingBytesPerConnection));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HandshakeTimeout, TimeSpan.Zero, nameof(HandshakeTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CloseTimeout, TimeSpan.Zero, nameof(CloseTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(DrainTimeout, TimeSpan.Zero, nameof(DrainTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(KeepAliveInterval, TimeSpan.Zero, nameof(KeepAliveInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ClientTimeout, KeepAliveInterval, nameof(ClientTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessagesPerSecond, 1, nameof(MaxMessagesPerSecond));
        ArgumentOutOfRangeException.ThrowIfLessThan(MessageBurst, 1, nameof(MessageBurst));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxUnreadInputMessages, 1, nameof(MaxUnreadInputMessages));
    }
}
