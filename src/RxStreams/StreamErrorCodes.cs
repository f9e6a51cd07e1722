namespace RxStreams;

/// <summary>
/// The error codes RxStreams itself puts in ERROR frames and <see cref="StreamException.Code"/>.
/// They are part of the wire protocol (docs/protocol.md); applications may use codes of their own
/// (any other lower-case snake_case text) by throwing a <see cref="StreamException"/>.
/// </summary>
public static class StreamErrorCodes
{
    /// <summary>A frame could not be parsed. The connection is closed.</summary>
    public const string ProtocolError = "protocol_error";

    /// <summary>The client speaks a protocol version the server does not. The connection is closed.</summary>
    public const string UnsupportedVersion = "unsupported_version";

    /// <summary>A frame was larger than the negotiated maximum. The connection is closed.</summary>
    public const string FrameTooLarge = "frame_too_large";

    /// <summary>The client sent no HELLO within the handshake timeout. The connection is closed.</summary>
    public const string HandshakeTimeout = "handshake_timeout";

    /// <summary>The peer answered no PING within the keepalive timeout. The connection is closed.</summary>
    public const string KeepaliveTimeout = "keepalive_timeout";

    /// <summary>No handler matches the route of an OPEN.</summary>
    public const string RouteNotFound = "route_not_found";

    /// <summary>A route matched a template, but a typed value (<c>{id:int}</c> …) did not parse, or the route is malformed or too long.</summary>
    public const string BadRouteValue = "bad_route_value";

    /// <summary>The stream needs an authenticated user and there is none.</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>The user is authenticated but the handler's authorization policy refused the open.</summary>
    public const string Forbidden = "forbidden";

    /// <summary>An OPEN used the id of a stream that is still open.</summary>
    public const string StreamIdInUse = "stream_id_in_use";

    /// <summary>The connection already has the maximum number of open streams.</summary>
    public const string TooManyStreams = "too_many_streams";

    /// <summary>A payload was not valid JSON for the stream's message type, or was missing or unexpected.</summary>
    public const string InvalidPayload = "invalid_payload";

    /// <summary>The client did not read fast enough and the server's pending bytes for it reached the limit.</summary>
    public const string SlowConsumer = "slow_consumer";

    /// <summary>The client published faster than the per-connection rate limit allows.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>
    /// The history no longer holds the offset a stream asked to resume from: items after it are gone.
    /// The frame carries the first offset the channel still holds.
    /// </summary>
    public const string NotRecovered = "not_recovered";

    /// <summary>The handler failed. The message says no more than that unless detailed errors are enabled.</summary>
    public const string HandlerError = "handler_error";

    /// <summary>The backplane (Redis) cannot be reached; the operation may be retried.</summary>
    public const string BackplaneUnavailable = "backplane_unavailable";

    /// <summary>
    /// With stored-data protection on, an item of the durable channel or work queue the stream reads did not decrypt
    /// (tampered with, or protected with a key this node lacks or has revoked). The item is not skipped: the stream ends.
    /// </summary>
    public const string Undecryptable = "undecryptable";

    /// <summary>The server is shutting down. The client reconnects, to another node if there is one.</summary>
    public const string ServerShuttingDown = "server_shutting_down";

    /// <summary>A request did not complete within its timeout.</summary>
    public const string Timeout = "timeout";

    /// <summary>The stream was cancelled by its consumer.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>
    /// Client side only: the connection dropped while a request was in flight, so whether the server handled it is
    /// unknown. The client reconnects by itself; retry the request if it is safe to.
    /// </summary>
    public const string ConnectionLost = "connection_lost";

    /// <summary>Client side only: too many messages are waiting for the connection to come back.</summary>
    public const string BufferFull = "buffer_full";

    /// <summary>A work queue holds as many items as it may; nothing was added.</summary>
    public const string QueueFull = "queue_full";

    /// <summary>A client-hosted stream server with that name already exists.</summary>
    public const string NameTaken = "name_taken";

    /// <summary>No client hosts a stream server with that name.</summary>
    public const string NoSuchServer = "no_such_server";

    /// <summary>The client hosting the stream server went away.</summary>
    public const string ServerGone = "server_gone";

    /// <summary>
    /// A model edit was refused by the handler (validation); the message says why. The model and the stream are
    /// unaffected. Sent in the model stream's answer to the write, not as an ERROR frame.
    /// </summary>
    public const string EditRefused = "edit_refused";

    /// <summary>A model update lost the compare-and-set to other writers as many times as it may try; nothing was written.</summary>
    public const string ModelConflict = "model_conflict";
}
