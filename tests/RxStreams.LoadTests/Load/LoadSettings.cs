namespace RxStreams.LoadTests.Load;

/// <summary>Sizes and durations of the workloads (the defaults are the documented full run; --quick shrinks them for development).</summary>
internal sealed class LoadSettings
{
    public string[] Servers { get; init; } = ["rx", "signalr", "raw"];

    /// <summary>Every workload, in the order <c>--all</c> runs them.</summary>
    public static readonly string[] AllWorkloads = ["echo", "broadcast", "idle", "cross", "rooms", "storm"];

    public string[] Workloads { get; init; } = AllWorkloads;

    public int[] EchoConnections { get; init; } = [1, 100];

    public double EchoWarmupSeconds { get; init; } = 1.5;

    public double EchoSeconds { get; init; } = 4;

    public int BroadcastSubscribers { get; init; } = 1000;

    public double BroadcastStartRate { get; init; } = 40;

    public int IdleConnections { get; set; } = 10_000;

    /// <summary>How long the idle workload keeps its connections after measuring (to inspect the server's heap). Default 0.</summary>
    public double IdleHoldSeconds { get; set; }

    public int CrossSubscribers { get; init; } = 100;

    public double CrossStartRate { get; init; } = 200;

    /// <summary>The fixed publish rate at which cross-node latency is compared with one node's.</summary>
    public double CrossFixedRate { get; init; } = 100;

    /// <summary>The rooms workload: this many connections, in rooms of <see cref="RoomSize"/>.</summary>
    public int RoomConnections { get; set; } = 10_000;

    public int RoomSize { get; init; } = 10;

    /// <summary>The rooms workload's first publish rate (messages per second over all rooms; each makes <see cref="RoomSize"/> deliveries).</summary>
    public double RoomsStartRate { get; init; } = 1000;

    /// <summary>The connection storm: this many clients connect at once, and again after the server restarts.</summary>
    public int StormClients { get; set; } = 10_000;

    /// <summary>
    /// The storm's durable channel (RxStreams): numbered items per second, before, during and after the restart. Each
    /// goes to every client; the default keeps that at 20,000 deliveries/s (2/s for 10,000 clients), a load the server
    /// carries while it absorbs the storm.
    /// </summary>
    public double StormPublishRate { get; init; } = 2;

    public double StepSeconds { get; init; } = 3;

    public double StepFactor { get; init; } = 1.5;

    /// <summary>The cross-node search takes bigger, shorter steps (four servers to run, each with two nodes).</summary>
    public double CrossStepFactor { get; init; } = 2;

    public double CrossStepSeconds { get; init; } = 2.5;

    public int CrossBisectSteps { get; init; } = 1;

    public int MaxSteps { get; init; } = 16;

    public int BisectSteps { get; init; } = 2;

    public double LatencyLimitMs { get; init; } = 250;

    public int RedisBenchmarkRequests { get; init; } = 300_000;

    /// <summary>taskset CPU lists: servers on one core, the load generator on the other (null: no pinning).</summary>
    public string? ServerCpus { get; init; }

    public string? LoadCpus { get; init; }

    public static LoadSettings From(Options options, bool pinned)
    {
        var quick = options.Has("--quick");
        var settings = Create(options, pinned, quick);
        var unknown = settings.Workloads.Except(AllWorkloads).Concat(settings.Servers.Except(["rx", "signalr", "raw"])).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"unknown workload or server: {string.Join(", ", unknown)} (workloads: {string.Join(", ", AllWorkloads)}; servers: rx, signalr, raw)");
        }
        if (settings.RoomSize < 1 || settings.RoomConnections < settings.RoomSize || settings.RoomConnections % settings.RoomSize != 0)
        {
            throw new ArgumentException($"--room-connections ({settings.RoomConnections}) must be a multiple of --room-size ({settings.RoomSize}), at least one room");
        }
        if (settings.StormClients < 1 || settings.StormPublishRate <= 0)
        {
            throw new ArgumentException("--storm-clients and --storm-rate must be positive");
        }
        return settings;
    }

    private static LoadSettings Create(Options options, bool pinned, bool quick)
    {
        string[] Split(string name, string[] fallback) => options.Get(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? fallback;
        var stormClients = options.GetInt("--storm-clients", quick ? 1000 : 10_000);
        return new LoadSettings
        {
            Servers = Split("--servers", ["rx", "signalr", "raw"]),
            Workloads = options.Has("--all") ? AllWorkloads : Split("--workloads", AllWorkloads),
            EchoConnections = options.Get("--echo-connections") is { } e ? [.. e.Split(',').Select(int.Parse)] : quick ? [1, 20] : [1, 100],
            EchoWarmupSeconds = quick ? 1 : 1.5,
            EchoSeconds = options.GetDouble("--echo-seconds", quick ? 2 : 4),
            BroadcastSubscribers = options.GetInt("--subscribers", quick ? 100 : 1000),
            BroadcastStartRate = options.GetDouble("--start-rate", quick ? 100 : 40),
            IdleConnections = options.GetInt("--idle-connections", quick ? 1000 : 10_000),
            IdleHoldSeconds = options.GetDouble("--idle-hold-seconds", 0),
            RoomConnections = options.GetInt("--room-connections", quick ? 1000 : 10_000),
            RoomSize = options.GetInt("--room-size", 10),
            RoomsStartRate = options.GetDouble("--rooms-start-rate", 1000),
            StormClients = stormClients,
            StormPublishRate = options.GetDouble("--storm-rate", 20_000.0 / stormClients),
            CrossSubscribers = options.GetInt("--cross-subscribers", quick ? 20 : 100),
            CrossStartRate = options.GetDouble("--cross-start-rate", quick ? 200 : 200),
            StepSeconds = options.GetDouble("--step-seconds", quick ? 1.5 : 3),
            MaxSteps = options.GetInt("--max-steps", quick ? 6 : 16),
            BisectSteps = options.GetInt("--bisect", quick ? 0 : 2),
            RedisBenchmarkRequests = quick ? 50_000 : 300_000,
            CrossStepSeconds = options.GetDouble("--step-seconds", quick ? 1.5 : 2.5),
            CrossBisectSteps = options.GetInt("--bisect", quick ? 0 : 1),
            ServerCpus = pinned ? "0" : null,
            LoadCpus = pinned ? "1" : null,
        };
    }
}
