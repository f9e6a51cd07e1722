using Chat;
using StackExchange.Redis;

// dotnet run --project examples/Chat                        in memory, http://localhost:5000
// dotnet run --project examples/Chat -- --redis localhost:6379 --urls http://127.0.0.1:5001     one node of many
// dotnet run --project examples/Chat -- --redis host1:p1,host2:p2,host3:p3                      on a Redis Cluster
// dotnet run --project examples/Chat -- --urls "http://127.0.0.1:5000;http://127.0.0.1:9464" --Telemetry:PrometheusPort=9464
//                                                            Prometheus scrapes 9464/metrics only (docs/operations.md)
// dotnet run --project examples/Chat -- --Kestrel:Endpoints:Https:Url=https://127.0.0.1:5443 \
//   --Kestrel:Endpoints:Https:Certificate:Path=server.pfx --Kestrel:Endpoints:Https:Certificate:Password=…   https and wss
WebApplication app;
try
{
    app = ChatApp.Build(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
}
catch (Chat.Hosting.ChatSettingsException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}

if (ChatApp.RedisConfiguration(app.Configuration) is { } redis)
{
    try
    {
        using var probe = await ConnectionMultiplexer.ConnectAsync(redis + ",abortConnect=true,connectTimeout=3000");
    }
    catch (RedisConnectionException e)
    {
        var reason = e.Message.Split('\n')[0];
        Console.Error.WriteLine($"Cannot reach Redis at '{redis}' ({reason[(reason.LastIndexOf(". ", StringComparison.Ordinal) + 2)..].TrimEnd('.')}).");
        Console.Error.WriteLine("Start it (redis-server --port 6379) or run without --redis to use the in-memory backplane.");
        return 1;
    }
}

await app.StartAsync();
var backplane = ChatApp.RedisConfiguration(app.Configuration) is { } r ? $"Redis at {r}" : "in memory (add --redis host:port to scale out)";
// A port of its own for Prometheus (--Telemetry:PrometheusPort) is not where users chat.
var metricsPort = app.Configuration["Telemetry:PrometheusPort"];
foreach (var address in ChatApp.Addresses(app).Where(a => metricsPort is not { Length: > 0 } || !a.EndsWith(":" + metricsPort, StringComparison.Ordinal)))
{
    Console.WriteLine($"RxStreams chat is running: open {address.Replace("[::]", "localhost", StringComparison.Ordinal)} (backplane: {backplane}). Ctrl+C stops it.");
}
await app.WaitForShutdownAsync();
return 0;
