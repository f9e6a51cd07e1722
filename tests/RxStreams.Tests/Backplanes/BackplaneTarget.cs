using RxStreams.Backplanes;
using RxStreams.Channels;

namespace RxStreams.Tests.Backplanes;

/// <summary>
/// One backplane implementation under the contract suite: it starts "nodes" (a backplane client and a
/// <see cref="StreamHub"/> over it, as one server process has) that share a store, so what one node writes the others
/// read.
/// </summary>
public abstract class BackplaneTarget
{
    /// <summary>Prepares the target (starts or reaches its server) before a test.</summary>
    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <summary>A store no other test uses: nodes started on it see each other's channels, presence and queues.</summary>
    public abstract string NewStore();

    /// <summary>Starts a node on <paramref name="store"/>; the first node of a store fixes its limits.</summary>
    public abstract ContractNode StartNode(string store, StoreLimits? limits = null);

    /// <summary>The options every node's hub gets: quick retries, so a test waits little after a hiccup.</summary>
    protected static StreamHubOptions HubOptions() => new() { RetryDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromMilliseconds(500) };
}

/// <summary>Limits of a store that a contract test sets (null: the backplane's default).</summary>
public sealed record StoreLimits(int? MaxQueueLength = null);

/// <summary>A node of a contract test: its backplane client and its hub.</summary>
public sealed class ContractNode(StreamBackplane backplane, StreamHub hub, Func<ValueTask> dispose) : IAsyncDisposable
{
    public StreamBackplane Backplane => backplane;

    public StreamHub Hub => hub;

    public ValueTask DisposeAsync() => dispose();
}
