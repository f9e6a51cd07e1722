using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RxStreams.AspNetCore;

namespace RxStreams.Testing;

/// <summary>
/// A real Kestrel server on a free loopback port hosting RxStreams, for tests; or, with <c>inMemory</c>, the same
/// application on ASP.NET Core's in-memory TestServer (for tests that open tens of thousands of connections).
/// </summary>
public sealed class KestrelHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>The server's http://127.0.0.1:port/ address.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The RxStreams WebSocket endpoint (ws://127.0.0.1:port/rx).</summary>
    public Uri Endpoint => new($"ws://{BaseAddress.Authority}/rx");

    /// <summary>The application's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a host. <paramref name="configureServices"/> runs after <c>AddRxStreams</c>; <paramref name="configureApp"/> before <c>MapRxStreams</c>.</summary>
    public static async Task<KestrelHost> StartAsync(
        Action<RxStreamsOptions>? options = null,
        Action<IRxStreamsBuilder>? configureServices = null,
        Action<WebApplication>? configureApp = null,
        int port = 0,
        bool inMemory = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (inMemory)
        {
            builder.WebHost.UseTestServer();
        }
        else
        {
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        }
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(10));
        var rx = builder.Services.AddRxStreams(o =>
        {
            o.EnableDetailedErrors = true;
            options?.Invoke(o);
        });
        configureServices?.Invoke(rx);
        var app = builder.Build();
        configureApp?.Invoke(app);
        app.MapRxStreams("/rx");
        await app.StartAsync().ConfigureAwait(false);
        if (inMemory)
        {
            return new KestrelHost(app, new Uri("http://localhost/"));
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new KestrelHost(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/"));
    }

    /// <summary>Opens a WebSocket to the RxStreams endpoint (through TCP, or in memory for an in-memory host).</summary>
    public async Task<System.Net.WebSockets.WebSocket> ConnectWebSocketAsync(CancellationToken cancellationToken = default)
    {
        if (Services.GetService<IServer>() is TestServer server)
        {
            return await server.CreateWebSocketClient().ConnectAsync(Endpoint, cancellationToken).ConfigureAwait(false);
        }
        var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await socket.ConnectAsync(Endpoint, cancellationToken).ConfigureAwait(false);
        return socket;
    }

    /// <summary>Stops the host gracefully (clients get <c>server_shutting_down</c>).</summary>
    public Task StopAsync() => _app.StopAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
