
namespace RxStreams.Tests.Redis;

/// <summary>
/// A Redis test class that runs on one topology: a derived class says which (<see cref="OnCluster"/>), so each suite
/// runs against a single Redis and against a Redis Cluster, both shared by the whole run.
/// </summary>
public abstract class RedisTestBase(RedisFixture fixture) : IAsyncLifetime
{
    /// <summary>The Redis of this class's topology (set before each test).</summary>
    protected RedisTarget redis = null!;

    /// <summary>True to run on the cluster, false on the single Redis.</summary>
    protected abstract bool OnCluster { get; }

    public async Task InitializeAsync() => redis = await fixture.TargetAsync(OnCluster);

    public Task DisposeAsync() => Task.CompletedTask;
}
