using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RxStreams.AspNetCore;

namespace RxStreams.LoadTests.Servers;

/// <summary>
/// A server under test, in its own process: `server --kind rx|signalr|raw [--redis CONFIG]`. It prints
/// `READY http://127.0.0.1:PORT` once it listens, serves its WebSocket endpoint (/rx, /hub or /ws) and /stats (CPU,
/// allocations, memory and subscribers of this process; `?gc=1` collects first), and runs until stdin closes.
/// </summary>
internal static class ServerMain
{
    public static async Task<int> RunAsync(Options options)
    {
        Limits.EnsureFileDescriptors(options.GetInt("--fds", 12_000), "server");
        var kind = options.Get("--kind") ?? throw new ArgumentException("server: --kind rx|signalr|raw");
        var redis = options.Get("--redis");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, options.GetInt("--port", 0));
            k.Limits.MaxConcurrentConnections = null;
            k.Limits.MaxConcurrentUpgradedConnections = null;
        });
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(2));
        RedisRelay? relay = null;
        switch (kind)
        {
            case "rx":
                var rx = builder.Services.AddRxStreams(o =>
                {
                    // The publisher sends thousands of messages a second on one connection.
                    o.MaxMessagesPerSecond = 10_000_000;
                    o.MessageBurst = 10_000_000;
                    o.MaxStreamsPerConnection = 16;
                });
                if (redis is not null)
                {
                    rx.AddRedis(redis);
                }
                break;
            case "signalr":
                builder.Services.AddSignalR(o => o.EnableDetailedErrors = false)
                    .AddJsonProtocol(o => o.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, LoadJsonContext.Default));
                break;
            case "raw":
                break;
            default:
                throw new ArgumentException($"server: unknown kind '{kind}'");
        }
        if (redis is not null && kind != "rx")
        {
            relay = new RedisRelay(redis, "load:" + kind);
            builder.Services.AddSingleton(relay);
        }
        var app = builder.Build();
        app.UseWebSockets();
        switch (kind)
        {
            case "rx":
                app.MapRxStreams("/rx");
                break;
            case "signalr":
                app.MapHub<LoadHub>("/hub");
                if (relay is not null)
                {
                    var hub = app.Services.GetRequiredService<IHubContext<LoadHub>>();
                    relay.Subscribe(bytes =>
                    {
                        var message = JsonSerializer.Deserialize(bytes, LoadJsonContext.Default.LoadMessage)!;
                        _ = hub.Clients.Group(LoadHub.Group).SendAsync("m", message);
                    });
                }
                break;
            case "raw":
                var raw = new RawServer(relay);
                raw.Start();
                app.Map("/ws", raw.HandleAsync);
                break;
        }
        app.MapGet("/stats", (HttpContext context) => Results.Json(Stats.Take(context.Request.Query.ContainsKey("gc")), StatsJsonContext.Default.ServerStats));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine($"READY {address}");
        Console.Out.Flush();
        // The parent closes our stdin (or dies): stop.
        await Task.Run(() => Console.In.ReadToEnd());
        await app.StopAsync();
        relay?.Dispose();
        return 0;
    }
}

/// <summary>The counters of a server process.</summary>
public sealed record ServerStats(
    double CpuMs,
    long AllocatedBytes,
    long WorkingSet,
    long GcHeapBytes,
    long GcCommittedBytes,
    int Subscribers,
    int Gen0,
    int Gen1,
    int Gen2,
    int Threads,
    long LockContentions);

internal static class Stats
{
    public static ServerStats Take(bool collect)
    {
        if (collect)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        }
        using var process = Process.GetCurrentProcess();
        var info = GC.GetGCMemoryInfo();
        return new ServerStats(
            process.TotalProcessorTime.TotalMilliseconds,
            GC.GetTotalAllocatedBytes(precise: true),
            process.WorkingSet64,
            GC.GetTotalMemory(forceFullCollection: false),
            info.TotalCommittedBytes,
            ServerCounters.Subscribers,
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            process.Threads.Count,
            Monitor.LockContentionCount);
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ServerStats))]
internal sealed partial class StatsJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
