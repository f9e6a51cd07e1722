using System.Text.Json;
using System.Text.Json.Serialization;

namespace RxStreams.LoadTests.Load;

public sealed record MachineInfo(int Cores, string Cpu, string Os, string Kernel, string Runtime, string LoadAverageAtStart, string LoadAverageAtEnd, int OpenFileLimit, bool Pinned);

public sealed record EchoResult(
    string Server, int Connections, double RequestsPerSecond, double P50Ms, double P99Ms,
    double ServerCpuUsPerRequest, double ServerAllocatedBytesPerRequest, double ServerCpuPercent, double LoadGeneratorCpuPercent);

public sealed record FanoutStep(
    double PublishRate, int Subscribers, double ExpectedDeliveriesPerSecond, double DeliveriesPerSecond, double DeliveredFraction,
    double P50Ms, double P99Ms, double MaxMs, double ServerCpuUsPerDelivery, double ServerAllocatedBytesPerDelivery,
    double ServerCpuPercent, double LoadGeneratorCpuPercent, bool Passed);

/// <summary>One server's rate search (broadcast, cross-node, rooms): every step run, and the best passing one.</summary>
public interface IRampResult
{
    /// <summary>The server: rx, signalr or raw (the cross-node workload adds " (durable channel)" to its durable run).</summary>
    string Server { get; }

    /// <summary>The passing step of the highest rate, or null when none passed.</summary>
    FanoutStep? Best { get; }

    /// <summary>Every step run, in order (a failed step run again appears twice).</summary>
    List<FanoutStep> Steps { get; }
}

public sealed record BroadcastResult(string Server, int Subscribers, FanoutStep? Best, List<FanoutStep> Steps) : IRampResult;

public sealed record IdleResult(
    string Server, int Connections, double GcHeapBytesPerConnection, double WorkingSetBytesPerConnection, double ConnectSeconds,
    long GcHeapBefore, long GcHeapAfter, long WorkingSetBefore, long WorkingSetAfter, double LoadGeneratorCpuPercent);

public sealed record CrossResult(
    string Server, string Channel, int Subscribers, double FixedRate, double LocalP50Ms, double LocalP99Ms, double CrossP50Ms, double CrossP99Ms,
    FanoutStep? Best, List<FanoutStep> Steps, RedisCommands? Redis = null) : IRampResult;

/// <summary>The rooms workload: <paramref name="Connections"/> members in <paramref name="Rooms"/> rooms, one publishing member per room.</summary>
public sealed record RoomsResult(string Server, int Connections, int Rooms, int RoomSize, double ConnectSeconds, FanoutStep? Best, List<FanoutStep> Steps) : IRampResult;

/// <summary>
/// The connection storm against one server: every client connects and subscribes at once; then the server is killed and
/// started again on the same port, and the clients reconnect. Times are from the load generator's clock; "subscribed"
/// is the server's own count (read through /stats every 50 ms). The resume figures are for RxStreams' durable channel
/// only (null elsewhere): items counted per client on the wire, before any client-side deduplication.
/// </summary>
public sealed record StormResult(
    string Server, string Channel, int Clients,
    double ConnectSeconds, double RestartSeconds, double ReconnectSeconds, double ReconnectAfterReadySeconds,
    int ConnectRetries, int ReconnectRetries, double LoadGeneratorCpuPercent,
    long? Items = null, long? Lost = null, long? Doubled = null, int? ClientsComplete = null, int? SessionsResumed = null, int? StreamErrors = null,
    double? CatchUpSeconds = null, int? Reconnections = null, double PublishRate = 0);

/// <summary>
/// Redis commands per item published, from INFO commandstats around a window: every command both nodes made Redis run,
/// those a Lua script runs included (they count under their own names); ScriptCalls are the EVALSHA/EVAL calls alone,
/// i.e. the requests of a server that does all its work in scripts.
/// </summary>
public sealed record RedisCommands(double Total, double ScriptCalls, string Breakdown)
{
    public static RedisCommands PerItem(Dictionary<string, long> before, Dictionary<string, long> after, double items)
    {
        items = Math.Max(1, items);
        var delta = after.Select(kv => (Name: kv.Key, Calls: kv.Value - before.GetValueOrDefault(kv.Key)))
            .Where(c => c.Calls > 0).OrderByDescending(c => c.Calls).ToList();
        var scripts = delta.Where(c => c.Name is "evalsha" or "eval").Sum(c => c.Calls);
        var breakdown = string.Join(", ", delta.Take(12).Select(c => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{c.Name} {c.Calls / items:0.00}")));
        return new RedisCommands(delta.Sum(c => c.Calls) / items, scripts / items, breakdown);
    }
}

public sealed record RedisBaseline(double PublishPerSecond, double XaddPerSecond, string PublishCommand, string XaddCommand);

public sealed class RunReport
{
    public required MachineInfo Machine { get; set; }

    public required string Command { get; init; }

    public required string Commit { get; init; }

    public DateTimeOffset Started { get; init; }

    public double DurationSeconds { get; set; }

    public List<EchoResult> Echo { get; init; } = [];

    public List<BroadcastResult> Broadcast { get; init; } = [];

    public List<IdleResult> Idle { get; init; } = [];

    public List<CrossResult> Cross { get; init; } = [];

    // set, not init: the JSON of a run made before these workloads existed has no such member, and System.Text.Json's
    // source generator sets a missing init-only member to null.
    public List<RoomsResult> Rooms { get; set; } = [];

    public List<StormResult> Storm { get; set; } = [];

    public RedisBaseline? Redis { get; set; }

    public List<string> Notes { get; init; } = [];
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(RunReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
