using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RxStreams.Routing;
using RxStreams.Sessions;

namespace RxStreams.AspNetCore.Connections;

/// <summary>
/// Accepts RxStreams WebSocket connections: checks the origin before the upgrade, upgrades (adding the WebSocket
/// middleware's behaviour if the application did not call <c>UseWebSockets()</c>), runs each connection, and drains
/// them when the application stops: new connections are refused, open ones are told to move and closed once their
/// requests in flight are answered (<see cref="RxStreamsOptions.DrainTimeout"/>).
/// </summary>
internal sealed class StreamConnectionHandler
{
    private readonly ConcurrentDictionary<StreamConnection, byte> _connections = new();
    private readonly WebSocketMiddleware _webSockets;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _heartbeatStarted;
    private long _drops;
    private readonly Lazy<Task> _drain;
    private volatile bool _draining;

    public StreamConnectionHandler(
        IOptions<RxStreamsOptions> options,
        StreamRouteTable routes,
        StreamAuthorizer authorizer,
        IStreamSessionStore sessions,
        IServiceScopeFactory scopeFactory,
        IServiceProvider services,
        IHostApplicationLifetime lifetime,
        ILoggerFactory loggerFactory,
        TimeProvider clock)
    {
        Options = options.Value;
        Routes = routes;
        Authorizer = authorizer;
        Sessions = Protection.StoredDataProtection.Checked(services, sessions);
        ScopeFactory = scopeFactory;
        Clock = clock;
        Logger = loggerFactory.CreateLogger("RxStreams.AspNetCore.Connections");
        Stopping = lifetime.ApplicationStopping;
        // Our own keep-alive (PING/PONG frames) replaces the WebSocket-level one.
        _webSockets = new WebSocketMiddleware(AcceptAsync, Microsoft.Extensions.Options.Options.Create(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero }), loggerFactory);
        _drain = new Lazy<Task>(DrainOnceAsync);
        lifetime.ApplicationStopping.Register(() => _ = DrainAsync());
    }

    public RxStreamsOptions Options { get; }

    public StreamRouteTable Routes { get; }

    public StreamAuthorizer Authorizer { get; }

    public IStreamSessionStore Sessions { get; }

    public IServiceScopeFactory ScopeFactory { get; }

    public TimeProvider Clock { get; }

    public ILogger Logger { get; }

    public CancellationToken Stopping { get; }

    /// <summary>Streams and connections of this host ended for a limit (the meter's <c>rxstreams.drops</c>, per host).</summary>
    public long Drops => Interlocked.Read(ref _drops);

    /// <summary>Counts a stream or connection ended for a limit: in the meter and in <see cref="Drops"/>.</summary>
    public void CountDrop()
    {
        Interlocked.Increment(ref _drops);
        RxStreams.Diagnostics.RxStreamsMetrics.Drops.Add(1);
    }

    /// <summary>The connections open now.</summary>
    public IReadOnlyCollection<StreamConnection> Connections => [.. _connections.Keys];

    public Task HandleAsync(HttpContext context)
    {
        if (!IsOriginAllowed(context.Request))
        {
            RxStreamsHostLog.OriginRefused(Logger, context.Request.Headers.Origin.ToString());
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return context.Response.WriteAsync("This origin may not connect. Add it to RxStreamsOptions.AllowedOrigins.");
        }
        if (IsDraining)
        {
            // Draining: this node takes no new connection; the client (or the balancer) tries another node.
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            return context.Response.WriteAsync("This node is shutting down; connect to another one.");
        }
        // Without app.UseWebSockets() there is no WebSocket feature: provide it ourselves.
        return context.Features.Get<IHttpWebSocketFeature>() is null ? _webSockets.Invoke(context) : AcceptAsync(context);
    }

    private async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("This is an RxStreams endpoint: connect with a WebSocket (the RxStreams .NET or browser client).").ConfigureAwait(false);
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = TimeSpan.Zero }).ConfigureAwait(false);
        var connection = new StreamConnection(this, context, socket);
        _connections.TryAdd(connection, 0);
        if (Interlocked.Exchange(ref _heartbeatStarted, 1) == 0)
        {
            _ = HeartbeatAsync();
        }
        try
        {
            if (IsDraining)
            {
                connection.Shutdown();
            }
            await connection.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(connection, out _);
            if (IsDraining && _connections.IsEmpty)
            {
                _drained.TrySetResult();
            }
        }
    }

    /// <summary>
    /// One timer for every connection (as Kestrel's own heartbeat): each tick, each connection pings its client and
    /// checks that it has heard from it. A connection keeps no timer of its own.
    /// </summary>
    private async Task HeartbeatAsync()
    {
        using var timer = new PeriodicTimer(Options.KeepAliveInterval, Clock);
        try
        {
            while (await timer.WaitForNextTickAsync(Stopping).ConfigureAwait(false))
            {
                foreach (var (connection, _) in _connections)
                {
                    connection.OnKeepAliveTick();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private bool IsOriginAllowed(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(origin))
        {
            return true; // not a browser
        }
        var allowed = Options.AllowedOrigins;
        if (allowed.Count == 0)
        {
            // Same origin only: the Origin's authority must be the request's Host.
            return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
                && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
        }
        var trimmed = origin.TrimEnd('/');
        return allowed.Any(a => a == "*" || string.Equals(a.TrimEnd('/'), trimmed, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The application is stopping: every client is told to move (it reconnects at once, elsewhere, and resumes its
    /// streams); each connection closes as soon as its requests in flight are answered; what is left after
    /// <see cref="RxStreamsOptions.DrainTimeout"/> is closed anyway. The host's server waits for these connections
    /// (they are its requests in flight) before it stops.
    /// </summary>
    public Task DrainAsync() => _drain.Value;

    /// <summary>True once the application is stopping or the drain started: no new connection is accepted.</summary>
    public bool IsDraining => _draining || Stopping.IsCancellationRequested;

    private async Task DrainOnceAsync()
    {
        _draining = true;
        var started = Clock.GetTimestamp();
        var connections = _connections.Keys.ToArray();
        RxStreamsHostLog.DrainStarted(Logger, connections.Length, Options.DrainTimeout);
        foreach (var connection in connections)
        {
            connection.Drain();
        }
        if (_connections.IsEmpty)
        {
            _drained.TrySetResult();
        }
        try
        {
            await _drained.Task.WaitAsync(Options.DrainTimeout, Clock).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        var remaining = 0;
        foreach (var connection in _connections.Keys)
        {
            remaining += connection.IsClosing ? 0 : 1;
            connection.Shutdown();
        }
        RxStreamsHostLog.DrainFinished(Logger, (long)Clock.GetElapsedTime(started).TotalMilliseconds, remaining);
    }
}
