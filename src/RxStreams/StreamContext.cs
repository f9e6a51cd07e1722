using System.Security.Claims;

namespace RxStreams;

/// <summary>
/// Everything a handler may want to know about the stream it serves: who opened it, on which connection and
/// session, with which route values and resume offset, and the services, cancellation and clock to use.
/// The host creates one per opened stream; tests may create their own.
/// </summary>
public sealed class StreamContext
{
    private static readonly IReadOnlyDictionary<string, string> s_noValues = new Dictionary<string, string>();

    /// <summary>The user, as ASP.NET Core authenticated the WebSocket request (anonymous when it did not).</summary>
    public ClaimsPrincipal User { get; init; } = new(new ClaimsIdentity());

    /// <summary>The user's name, or <c>"anonymous"</c> for an unauthenticated user.</summary>
    public string UserName => User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : "anonymous";

    /// <summary>The id of the WebSocket connection (changes when the client reconnects).</summary>
    public string ConnectionId { get; init; } = "";

    /// <summary>The session id (kept across reconnections of the same client, on any node).</summary>
    public string SessionId { get; init; } = "";

    /// <summary>The stream id on its connection.</summary>
    public uint StreamId { get; init; }

    /// <summary>The route the client opened, e.g. <c>"chat/lobby"</c>.</summary>
    public string Route { get; init; } = "";

    /// <summary>The route values by parameter name, as text.</summary>
    public IReadOnlyDictionary<string, string> RouteValues { get; init; } = s_noValues;

    /// <summary>
    /// For a reconnecting client, the last offset it received on this stream; null on a first open. Pass it to
    /// <see cref="IStreamChannel{T}.From"/> or <see cref="IStreamChannel{T}.Connect"/> to resume without loss.
    /// </summary>
    public StreamOffset? ResumeOffset { get; init; }

    /// <summary>The services of the stream's scope.</summary>
    public IServiceProvider Services { get; init; } = EmptyServiceProvider.Instance;

    /// <summary>Cancelled when the stream ends: the client cancels it or disconnects, or the server shuts down.</summary>
    public CancellationToken Aborted { get; init; }

    /// <summary>The clock.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The current time by <see cref="Clock"/>.</summary>
    public DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>
    /// Values shared by every stream of the connection, for the application's use (a display name chosen by the
    /// user, say). Thread-safe.
    /// </summary>
    public IDictionary<string, object?> ConnectionItems
    {
        get => _connectionItems ?? LazyInitializer.EnsureInitialized(ref _connectionItems, static () => new System.Collections.Concurrent.ConcurrentDictionary<string, object?>());
        init => _connectionItems = value;
    }

    private IDictionary<string, object?>? _connectionItems;

    /// <summary>The connection, when it can host client-hosted stream servers (set by the host).</summary>
    internal Servers.IHostingConnection? HostConnection { get; init; }

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public static readonly EmptyServiceProvider Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
