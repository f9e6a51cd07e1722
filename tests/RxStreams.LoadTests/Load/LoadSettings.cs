namespace RxStreams.LoadTests.Load;

/// <summary>Sizes and durations of the workloads (the defaults are the documented full run; --quick shrinks them for development).</summary>
internal sealed class LoadSettings
{
    public string[] Servers { get; init; } = ["rx", "signalr", "raw"];

    public string[] Workloads { get; init; } = ["echo", "broadcast", "idle", "cross"];

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
        string[] Split(string name, string[] fallback) => options.Get(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? fallback;
        return new LoadSettings
        {
            Servers = Split("--servers", ["rx", "signalr", "raw"]),
            Workloads = options.Has("--all") ? ["echo", "broadcast", "idle", "cross"] : Split("--workloads", ["echo", "broadcast", "idle", "cross"]),
            EchoConnections = options.Get("--echo-connections") is { } e ? [.. e.Split(',').Select(int.Parse)] : quick ? [1, 20] : [1, 100],
            EchoWarmupSeconds = quick ? 1 : 1.5,
            EchoSeconds = options.GetDouble("--echo-seconds", quick ? 2 : 4),
            BroadcastSubscribers = options.GetInt("--subscribers", quick ? 100 : 1000),
            BroadcastStartRate = options.GetDouble("--start-rate", quick ? 100 : 40),
            IdleConnections = options.GetInt("--idle-connections", quick ? 1000 : 10_000),
            IdleHoldSeconds = options.GetDouble("--idle-hold-seconds", 0),
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
