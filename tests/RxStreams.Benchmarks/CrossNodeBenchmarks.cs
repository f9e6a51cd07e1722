using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using RxStreams.Benchmarks.Messages;
using RxStreams.Channels;
using RxStreams.Redis;
using RxStreams.Testing;

namespace RxStreams.Benchmarks;

/// <summary>
/// Cross-node delivery through a real redis-server or a real Redis Cluster (3 masters, 3 replicas; sharded pub/sub):
/// two hubs ("node A" and "node B") on their own Redis backplanes,
/// a value published on A and received by a subscriber on B. One operation is one item delivered across nodes
/// (published in batches of <see cref="Batch"/> without waiting for each, as a busy node does). The same run measures
/// <c>redis-benchmark</c> PUBLISH and XADD (pipelined 16 deep) against the same redis-server, and counts the Redis
/// commands both nodes sent per item (INFO commandstats); the three show as extra columns.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class CrossNodeBenchmarks
{
    /// <summary>Items per benchmark invocation.</summary>
    public const int Batch = 1000;

    private RedisServer? _redis;
    private RedisCluster? _cluster;
    private StreamHub _nodeA = null!;
    private StreamHub _nodeB = null!;
    private IStreamChannel<ChatMessage> _durableA = null!;
    private IEphemeralChannel<ChatMessage> _ephemeralA = null!;
    private IDisposable _subscription = null!;
    private readonly ValueTask<StreamOffset>[] _appends = new ValueTask<StreamOffset>[Batch];
    private readonly ValueTask[] _publishes = new ValueTask[Batch];
    private readonly ChatMessage _message = new("alice", "Hello, world! How is everyone doing today?", new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero));
    private long _received;
    private long _target;
    private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _published;
    private long _commandsBefore;

    /// <summary>Ephemeral (Redis pub/sub) or durable (Redis Streams) channel.</summary>
    [Params("ephemeral", "durable")]
    public string Channel { get; set; } = "ephemeral";

    /// <summary>One redis-server, or a cluster of 3 masters and 3 replicas.</summary>
    [Params("single", "cluster")]
    public string Redis { get; set; } = "single";

    private string Case => $"{Channel}-{Redis}";

    /// <summary>Starts Redis and the two nodes, subscribes on B and waits until an item crosses.</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(SidecarPath(Case))!);
        File.Delete(SidecarPath(Case)); // no stale figures if this run fails
        string connectionString;
        if (Redis == "cluster")
        {
            _cluster = await RedisCluster.StartAsync();
            connectionString = _cluster.ConnectionString;
        }
        else
        {
            _redis = await RedisServer.StartAsync();
            connectionString = _redis.ConnectionString;
        }
        _nodeA = new StreamHub(new RedisBackplane(connectionString));
        _nodeB = new StreamHub(new RedisBackplane(connectionString));
        _durableA = _nodeA.Channel<ChatMessage>("bench/durable", new StreamChannelOptions { MaxLength = 100_000 });
        _ephemeralA = _nodeA.Ephemeral<ChatMessage>("bench/ephemeral");
        _subscription = Channel == "durable"
            ? _nodeB.Channel<ChatMessage>("bench/durable").Subscribe(_ => OnReceived())
            : _nodeB.Ephemeral<ChatMessage>("bench/ephemeral").Subscribe(_ => OnReceived());

        // The subscription is set up in the background: publish until one item has crossed.
        var deadline = Stopwatch.StartNew();
        while (Interlocked.Read(ref _received) == 0)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException("no item crossed from node A to node B within 30 s");
            }
            await PublishOneAsync();
            await Task.Delay(20);
        }
        _commandsBefore = await CommandsAsync();
        _published = 0;
    }

    /// <summary>Publishes <see cref="Batch"/> items on node A and waits until node B has received them all.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task PublishOnAReceiveOnB()
    {
        _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _target, Interlocked.Read(ref _received) + Batch);
        if (Channel == "durable")
        {
            for (var i = 0; i < Batch; i++)
            {
                _appends[i] = _durableA.PublishAsync(_message);
            }
            for (var i = 0; i < Batch; i++)
            {
                await _appends[i];
            }
        }
        else
        {
            for (var i = 0; i < Batch; i++)
            {
                _publishes[i] = _ephemeralA.PublishAsync(_message);
            }
            for (var i = 0; i < Batch; i++)
            {
                await _publishes[i];
            }
        }
        _published += Batch;
        if (Interlocked.Read(ref _received) < Volatile.Read(ref _target))
        {
            await _reached.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    /// <summary>Counts the commands sent per item, measures redis-benchmark, and stops everything.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        var commands = await CommandsAsync() - _commandsBefore;
        string[] publishCommand = _cluster is null ? ["PUBLISH", "bench/baseline", "hello"] : ["SPUBLISH", "bench/baseline", "hello"];
        string[] xaddCommand = ["XADD", "bench/baseline-stream", "MAXLEN", "~", "100000", "*", "p", "hello"];
        var publish = _cluster is null ? await _redis!.BenchmarkAsync(null, 200_000, publishCommand) : await _cluster.BenchmarkAsync("bench/baseline", 200_000, publishCommand);
        var xadd = _cluster is null ? await _redis!.BenchmarkAsync(null, 200_000, xaddCommand) : await _cluster.BenchmarkAsync("bench/baseline-stream", 200_000, xaddCommand);
        var lines = new[]
        {
            (commands / (double)Math.Max(1, _published)).ToString("0.00", CultureInfo.InvariantCulture),
            publish.ToString("N0", CultureInfo.InvariantCulture),
            xadd.ToString("N0", CultureInfo.InvariantCulture),
        };
        await File.WriteAllLinesAsync(SidecarPath(Case), lines);

        _subscription.Dispose();
        await _nodeA.Backplane.DisposeAsync();
        await _nodeB.Backplane.DisposeAsync();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>Commands run so far: by the server, or by the cluster's masters (replicas only replay the writes).</summary>
    private async Task<long> CommandsAsync()
    {
        if (_redis is not null)
        {
            return (await _redis.CommandStatsAsync()).Values.Sum();
        }
        long total = 0;
        foreach (var port in await _cluster!.MastersAsync())
        {
            total += (await RedisCluster.CommandStatsAsync(port)).Values.Sum();
        }
        return total;
    }

    private void OnReceived()
    {
        if (Interlocked.Increment(ref _received) == Volatile.Read(ref _target))
        {
            _reached.TrySetResult();
        }
    }

    private async Task PublishOneAsync()
    {
        if (Channel == "durable")
        {
            await _durableA.PublishAsync(_message);
        }
        else
        {
            await _ephemeralA.PublishAsync(_message);
        }
    }

    // Written by the benchmark process (GlobalCleanup), read by the columns in the host process.
    private static string SidecarPath(string benchmarkCase) =>
        Path.Combine(Path.GetTempPath(), "rxstreams-benchmarks", $"cross-node-{benchmarkCase}.txt");

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new SidecarColumn("Redis cmds/item", 0), new SidecarColumn("redis-benchmark PUBLISH/s", 1), new SidecarColumn("redis-benchmark XADD/s", 2));
        }
    }

    private sealed class SidecarColumn(string name, int line) : IColumn
    {
        public string Id => "CrossNode." + name;
        public string ColumnName => name;
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => line;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => name switch
        {
            "Redis cmds/item" => "Redis commands both nodes sent per item delivered (INFO commandstats)",
            _ => $"{name} against the same Redis (a cluster: the master owning the key, SPUBLISH), pipelined 16 deep, measured after the benchmark",
        };

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var path = SidecarPath($"{benchmarkCase.Parameters["Channel"]}-{benchmarkCase.Parameters["Redis"]}");
            return File.Exists(path) && File.ReadAllLines(path) is { Length: > 2 } lines ? lines[line] : "?";
        }

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;
    }
}
