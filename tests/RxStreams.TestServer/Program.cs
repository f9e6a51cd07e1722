// A server node for the multi-node tests. Arguments (configuration keys):
//   --urls http://127.0.0.1:PORT   --redis HOST:PORT   --prefix KEYPREFIX   --node NAME
//   --lease SECONDS (presence lease)   --consume true (run the queue worker)   --crash-after N
using RxStreams.AspNetCore;
using RxStreams.AspNetCore.HealthChecks;
using RxStreams.TestServer;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(5));
var node = new NodeInfo(builder.Configuration["node"] ?? "node");
builder.Services.AddSingleton(node);
var rx = builder.Services.AddRxStreams(o =>
{
    o.MaxMessagesPerSecond = 100_000;
    o.MessageBurst = 100_000;
    o.EnableDetailedErrors = true;
    // Below the shutdown timeout above: a stopping node drains (tells its clients to move, answers what is in flight).
    o.DrainTimeout = TimeSpan.FromSeconds(4);
});
builder.Services.AddHealthChecks().AddRxStreams();
if (builder.Configuration["redis"] is { Length: > 0 } redis)
{
    rx.AddRedis(o =>
    {
        o.Configuration = redis;
        o.KeyPrefix = builder.Configuration["prefix"] ?? "rx";
        o.PresenceLease = TimeSpan.FromSeconds(builder.Configuration.GetValue("lease", 30.0));
        o.ClaimInterval = TimeSpan.FromMilliseconds(200);
    });
}
if (builder.Configuration.GetValue("consume", false))
{
    builder.Services.AddHostedService<QueueWorker>();
}
var app = builder.Build();
app.MapGet("/health", () => node.Name);
app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains(RxStreamsHealthChecksBuilderExtensions.ReadyTag) });
app.MapRxStreams("/rx");
app.Run();
