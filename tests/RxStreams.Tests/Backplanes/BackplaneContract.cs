namespace RxStreams.Tests.Backplanes;

/// <summary>
/// The base of the backplane contract suites: each suite is written once against <see cref="BackplaneTarget"/> and
/// run against every backplane (ContractRuns.cs: in memory, a single Redis, a Redis Cluster), as SignalR runs one
/// lifetime-manager test base against each of its backplanes.
/// </summary>
public abstract class BackplaneContract(BackplaneTarget target) : IAsyncLifetime
{
    /// <summary>Starts a node on <paramref name="store"/>.</summary>
    protected ContractNode Node(string store, StoreLimits? limits = null) => target.StartNode(store, limits);

    /// <summary>A store no other test uses.</summary>
    protected string NewStore() => target.NewStore();

    public Task InitializeAsync() => target.InitializeAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}
