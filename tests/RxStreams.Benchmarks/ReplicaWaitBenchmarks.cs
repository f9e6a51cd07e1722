using BenchmarkDotNet.Attributes;
using RxStreams.Redis;
using RxStreams.Testing;

namespace RxStreams.Benchmarks;

/// <summary>
/// The cost of <see cref="RedisBackplaneOptions.WaitForReplicas"/>: one durable append at a time (awaited, as a
/// publisher that needs each acknowledgement does) to a channel on a real Redis Cluster of 3 masters and 3
/// replicas, without and with a <c>WAIT</c> for one replica after each append.
/// </summary>
[MemoryDiagnoser]
public class ReplicaWaitBenchmarks
{
    private readonly ReadOnlyMemory<byte> _payload = "{\"from\":\"alice\",\"text\":\"Hello, world! How is everyone doing today?\"}"u8.ToArray();
    private RedisCluster _cluster = null!;
    private RedisBackplane _backplane = null!;

    /// <summary>Replicas each append waits for (0: none, the default).</summary>
    [Params(0, 1)]
    public int WaitForReplicas { get; set; }

    /// <summary>Starts the cluster and a backplane on it.</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        _cluster = await RedisCluster.StartAsync();
        _backplane = new RedisBackplane(new RedisBackplaneOptions { Configuration = _cluster.ConnectionString, WaitForReplicas = WaitForReplicas });
        await _backplane.AppendAsync("bench/wait", _payload, 100_000, default);
    }

    /// <summary>One append, acknowledged.</summary>
    [Benchmark]
    public ValueTask<StreamOffset> Append() => _backplane.AppendAsync("bench/wait", _payload, 100_000, default);

    /// <summary>Stops everything.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _backplane.DisposeAsync();
        await _cluster.DisposeAsync();
    }
}
