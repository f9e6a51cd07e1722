using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using RedisServer = RxStreams.Testing.RedisServer;

namespace RxStreams.LoadTests.Load;

/// <summary>
/// The orchestrator and load generator: starts each server in a child process (pinned to the server core), drives it
/// from this process (pinned to the other core), reads the server's counters through /stats, and writes the report.
/// </summary>
internal sealed class LoadGenerator(LoadSettings settings, RunReport report)
{
    public static TimeSpan CpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    public async Task RunAsync()
    {
        foreach (var workload in settings.Workloads)
        {
            switch (workload)
            {
                case "echo":
                    foreach (var connections in settings.EchoConnections)
                    {
                        foreach (var kind in settings.Servers)
                        {
                            report.Echo.Add(await EchoAsync(kind, connections));
                        }
                    }
                    break;
                case "broadcast":
                    foreach (var kind in settings.Servers)
                    {
                        report.Broadcast.Add(await BroadcastAsync(kind));
                    }
                    break;
                case "idle":
                    foreach (var kind in settings.Servers)
                    {
                        report.Idle.Add(await IdleAsync(kind));
                    }
                    break;
                case "cross":
                    await CrossAsync();
                    break;
                case "rooms":
                    foreach (var kind in settings.Servers)
                    {
                        report.Rooms.Add(await RoomsAsync(kind));
                    }
                    break;
                case "storm":
                    foreach (var kind in settings.Servers)
                    {
                        report.Storm.Add(await new StormDriver(settings).RunAsync(kind, durable: false));
                        if (kind == "rx")
                        {
                            report.Storm.Add(await new StormDriver(settings).RunAsync(kind, durable: true));
                        }
                    }
                    break;
                default:
                    throw new ArgumentException($"unknown workload '{workload}' ({string.Join(", ", LoadSettings.AllWorkloads)})");
            }
        }
    }

    // ---- 1. Echo ----

    private async Task<EchoResult> EchoAsync(string kind, int connections)
    {
        Log.Info($"echo: {kind}, {connections} connection(s)");
        await using var server = await ServerProcess.StartAsync(kind, settings.ServerCpus);
        var clients = new IEchoClient[connections];
        await ForEachAsync(Enumerable.Range(0, connections), 16, async i => clients[i] = await EchoClients.ConnectAsync(kind, server.Endpoint));
        var latency = new LatencyHistogram();
        long count = 0;
        var measuring = 0;
        using var stop = new CancellationTokenSource();
        var loops = clients.Select(client => Task.Run(async () =>
        {
            long seq = 0;
            while (!stop.IsCancellationRequested)
            {
                var t = Stopwatch.GetTimestamp();
                await client.RoundTripAsync(seq++, t);
                if (Volatile.Read(ref measuring) == 1)
                {
                    latency.RecordSince(t);
                    Interlocked.Increment(ref count);
                }
            }
        })).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(settings.EchoWarmupSeconds));
        var before = await server.StatsAsync();
        var loaderBefore = CpuTime();
        var start = Stopwatch.GetTimestamp();
        Volatile.Write(ref measuring, 1);
        await Task.Delay(TimeSpan.FromSeconds(settings.EchoSeconds));
        Volatile.Write(ref measuring, 0);
        var wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var done = Interlocked.Read(ref count);
        var loaderAfter = CpuTime();
        var after = await server.StatsAsync();
        await stop.CancelAsync();
        await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(10));
        await ForEachAsync(clients, 16, c => c.DisposeAsync().AsTask());
        var cpuMs = after.CpuMs - before.CpuMs;
        var result = new EchoResult(
            kind,
            connections,
            done / wall,
            latency.PercentileMs(50),
            latency.PercentileMs(99),
            cpuMs * 1000 / Math.Max(1, done),
            (after.AllocatedBytes - before.AllocatedBytes) / (double)Math.Max(1, done),
            cpuMs / 10 / wall,
            (loaderAfter - loaderBefore).TotalMilliseconds / 10 / wall);
        Log.Info(string.Create(CultureInfo.InvariantCulture,
            $"    {result.RequestsPerSecond:N0} req/s, p50 {result.P50Ms:0.000} ms, p99 {result.P99Ms:0.000} ms, server {result.ServerCpuPercent:0}% CPU {result.ServerCpuUsPerRequest:0.0} µs/{result.ServerAllocatedBytesPerRequest:0} B per request, load gen {result.LoadGeneratorCpuPercent:0}%"));
        return result;
    }

    // ---- 2. Broadcast ----

    private async Task<BroadcastResult> BroadcastAsync(string kind)
    {
        var n = settings.BroadcastSubscribers;
        Log.Info($"broadcast: {kind}, 1 publisher → {n} subscribers");
        await using var server = await ServerProcess.StartAsync(kind, settings.ServerCpus);
        var meter = new DeliveryMeter();
        await using var subscribers = await LeanClientSet.ConnectAsync(kind, server.Endpoint, n, "bcast", meter);
        await server.WaitForSubscribersAsync(n, TimeSpan.FromSeconds(60));
        await using var publisher = await LeanClientSet.ConnectAsync(kind, server.Endpoint, 1, null, null);
        await publisher.Clients[0].StartPublishingAsync("bcast");
        var driver = new FanoutDriver(publisher.Clients[0], n, [server], meter, settings);
        await driver.WarmUpAsync(settings.BroadcastStartRate);
        var (best, steps) = await driver.FindLimitAsync(settings.BroadcastStartRate);
        return new BroadcastResult(kind, n, best, steps);
    }

    // ---- 3. Idle ----

    private async Task<IdleResult> IdleAsync(string kind)
    {
        var n = settings.IdleConnections;
        Log.Info($"idle: {kind}, {n} connections with one open stream each");
        await using var server = await ServerProcess.StartAsync(kind, settings.ServerCpus, "--fds", (n + 2000).ToString(CultureInfo.InvariantCulture));
        // Warm up the connection path (JIT, pools), then measure from a collected heap.
        await using (var warm = await LeanClientSet.ConnectAsync(kind, server.Endpoint, 50, "bcast", null))
        {
            await server.WaitForSubscribersAsync(50, TimeSpan.FromSeconds(30));
        }
        await Task.Delay(500);
        var before = await server.StatsAsync(collect: true);
        var loaderBefore = CpuTime();
        var start = Stopwatch.GetTimestamp();
        await using var clients = await LeanClientSet.ConnectAsync(kind, server.Endpoint, n, "bcast", null, concurrency: 32);
        await server.WaitForSubscribersAsync(before.Subscribers + n, TimeSpan.FromSeconds(120));
        var connectSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var loaderCpu = (CpuTime() - loaderBefore).TotalMilliseconds / 10 / connectSeconds;
        await Task.Delay(1000);
        var after = await server.StatsAsync(collect: true);
        var result = new IdleResult(
            kind, n,
            (after.GcHeapBytes - before.GcHeapBytes) / (double)n,
            (after.WorkingSet - before.WorkingSet) / (double)n,
            connectSeconds,
            before.GcHeapBytes, after.GcHeapBytes, before.WorkingSet, after.WorkingSet,
            loaderCpu);
        Log.Info(string.Create(CultureInfo.InvariantCulture,
            $"    {n} connected in {connectSeconds:0.0} s; GC heap {result.GcHeapBytesPerConnection / 1024:0.0} KiB, working set {result.WorkingSetBytesPerConnection / 1024:0.0} KiB per connection"));
        if (settings.IdleHoldSeconds > 0)
        {
            // Time to look at the server's heap object by object (dotnet-gcdump collect -p PID).
            Log.Info($"    holding the connections {settings.IdleHoldSeconds} s: server pid {server.Pid}");
            await Task.Delay(TimeSpan.FromSeconds(settings.IdleHoldSeconds));
        }
        clients.Abort();
        return result;
    }

    // ---- 4. Cross-node through Redis ----

    private async Task CrossAsync()
    {
        await using var redis = await RedisServer.StartAsync(cpus: settings.ServerCpus);
        Log.Info($"cross-node: redis-server on port {redis.Port}");
        var payload = System.Text.Encoding.UTF8.GetString(Payload.ToArray(1, Stopwatch.GetTimestamp()));
        var publish = await redis.BenchmarkAsync(settings.LoadCpus, settings.RedisBenchmarkRequests, "PUBLISH", "rxload:bench", payload);
        var xadd = await redis.BenchmarkAsync(settings.LoadCpus, settings.RedisBenchmarkRequests, "XADD", "rxload:benchstream", "*", "v", payload);
        report.Redis = new RedisBaseline(publish, xadd,
            $"redis-benchmark -P 16 -n {settings.RedisBenchmarkRequests} PUBLISH rxload:bench '<{payload.Length}-byte JSON>'",
            $"redis-benchmark -P 16 -n {settings.RedisBenchmarkRequests} XADD rxload:benchstream '*' v '<{payload.Length}-byte JSON>'");
        Log.Info(string.Create(CultureInfo.InvariantCulture, $"    redis-benchmark -P 16: PUBLISH {publish:N0}/s, XADD {xadd:N0}/s"));
        foreach (var kind in settings.Servers)
        {
            report.Cross.Add(await CrossAsync(kind, "bcast", redis));
            if (kind == "rx")
            {
                report.Cross.Add(await CrossAsync(kind, "dbcast", redis));
            }
        }
    }

    private async Task<CrossResult> CrossAsync(string kind, string topic, RedisServer redis)
    {
        var n = settings.CrossSubscribers;
        var label = topic == "dbcast" ? $"{kind} (durable channel)" : kind;
        Log.Info($"cross-node: {label}, publisher on node A, {n} subscribers on node B");
        // One node without Redis first: the latency the cross-node path adds is measured against it.
        double localP50, localP99;
        await using (var single = await ServerProcess.StartAsync(kind, settings.ServerCpus))
        {
            var localMeter = new DeliveryMeter();
            await using var localSubscribers = await LeanClientSet.ConnectAsync(kind, single.Endpoint, n, topic, localMeter);
            await single.WaitForSubscribersAsync(n, TimeSpan.FromSeconds(30));
            await using var localPublisher = await LeanClientSet.ConnectAsync(kind, single.Endpoint, 1, null, null);
            await localPublisher.Clients[0].StartPublishingAsync(topic);
            var local = new FanoutDriver(localPublisher.Clients[0], n, [single], localMeter, settings, cross: true);
            await local.WarmUpAsync(settings.CrossFixedRate);
            var fixedLocal = await local.FixedRateAsync(settings.CrossFixedRate);
            (localP50, localP99) = (fixedLocal.P50Ms, fixedLocal.P99Ms);
        }
        var configuration = $"127.0.0.1:{redis.Port},abortConnect=false,connectTimeout=5000,syncTimeout=10000";
        await using var nodeA = await ServerProcess.StartAsync(kind, settings.ServerCpus, "--redis", configuration);
        await using var nodeB = await ServerProcess.StartAsync(kind, settings.ServerCpus, "--redis", configuration);
        var meter = new DeliveryMeter();
        await using var subscribers = await LeanClientSet.ConnectAsync(kind, nodeB.Endpoint, n, topic, meter);
        await nodeB.WaitForSubscribersAsync(n, TimeSpan.FromSeconds(30));
        await using var publisher = await LeanClientSet.ConnectAsync(kind, nodeA.Endpoint, 1, null, null);
        await publisher.Clients[0].StartPublishingAsync(topic);
        var driver = new FanoutDriver(publisher.Clients[0], n, [nodeA, nodeB], meter, settings, cross: true);
        await driver.WarmUpAsync(settings.CrossFixedRate); // also lets the Redis subscriptions settle
        // Redis commands per item published, over the fixed-rate window (both nodes, every kind of command).
        var statsBefore = await redis.CommandStatsAsync();
        var deliveredBefore = meter.All;
        var fixedCross = await driver.FixedRateAsync(settings.CrossFixedRate);
        var commands = RedisCommands.PerItem(statsBefore, await redis.CommandStatsAsync(), (meter.All - deliveredBefore) / (double)n);
        Log.Info(string.Create(CultureInfo.InvariantCulture,
            $"    at {settings.CrossFixedRate}/s: one node p50 {localP50:0.00} p99 {localP99:0.00} ms; across nodes p50 {fixedCross.P50Ms:0.00} p99 {fixedCross.P99Ms:0.00} ms; Redis commands per item {commands.Total:0.00} ({commands.Breakdown})"));
        var (best, steps) = await driver.FindLimitAsync(settings.CrossStartRate);
        return new CrossResult(label, topic, n, settings.CrossFixedRate, localP50, localP99, fixedCross.P50Ms, fixedCross.P99Ms, best, steps, commands);
    }

    // ---- 5. Many rooms ----

    private async Task<RoomsResult> RoomsAsync(string kind)
    {
        var n = settings.RoomConnections;
        var size = settings.RoomSize;
        var rooms = n / size;
        Log.Info($"rooms: {kind}, {n} connections in {rooms} rooms of {size}, one member of each room publishing");
        await using var server = await ServerProcess.StartAsync(kind, settings.ServerCpus, "--fds", (n + 2000).ToString(CultureInfo.InvariantCulture));
        var meter = new DeliveryMeter();
        var start = Stopwatch.GetTimestamp();
        // Connection i is a member of room i / size; the room's first member also publishes.
        await using var members = await LeanClientSet.ConnectEachAsync(kind, server.Endpoint, n, i => $"room/{i / size}", meter, concurrency: 32);
        await server.WaitForSubscribersAsync(n, TimeSpan.FromSeconds(120));
        var connectSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Log.Info(string.Create(CultureInfo.InvariantCulture, $"    {n} members connected in {connectSeconds:0.0} s"));
        var publishers = new IPublisher[rooms];
        for (var room = 0; room < rooms; room++)
        {
            var member = members.Clients[room * size];
            await member.StartPublishingAsync($"room/{room}");
            publishers[room] = member;
        }
        var driver = new FanoutDriver(new RoundRobinPublisher(publishers), size, n, [server], meter, settings);
        await driver.WarmUpAsync(settings.RoomsStartRate);
        var (best, steps) = await driver.FindLimitAsync(settings.RoomsStartRate);
        return new RoomsResult(kind, n, rooms, size, connectSeconds, best, steps);
    }

    public static async Task ForEachAsync<T>(IEnumerable<T> items, int concurrency, Func<T, Task> action)
        => await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (item, _) => await action(item));

    // ---- The machine ----

    public static MachineInfo Machine(int openFiles, bool pinned)
    {
        static string Read(string path) => File.Exists(path) ? File.ReadAllText(path) : "";
        var cpu = Read("/proc/cpuinfo").Split('\n').FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        var os = Read("/etc/os-release").Split('\n').FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?[12..].Trim('"') ?? RuntimeInformation.OSDescription;
        var cores = Read("/proc/cpuinfo").Split('\n').Count(l => l.StartsWith("processor", StringComparison.Ordinal));
        return new MachineInfo(cores > 0 ? cores : Environment.ProcessorCount, cpu, os, Read("/proc/sys/kernel/osrelease").Trim(), RuntimeInformation.FrameworkDescription,
            LoadAverage(), "", openFiles, pinned);
    }

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
