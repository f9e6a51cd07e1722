using System.Collections.Concurrent;
using RxStreams.Backplanes.InMemory;
using RxStreams.Channels;

namespace RxStreams.Tests.Backplanes;

/// <summary>
/// The in-memory backplane: a store is one <see cref="InMemoryBackplane"/>, and its nodes are hubs over it (as if
/// several processes shared the backplane's memory), so the cross-node tests hold it to what Redis does.
/// </summary>
public sealed class InMemoryTarget : BackplaneTarget
{
    private static int s_next;
    private readonly ConcurrentDictionary<string, InMemoryBackplane> _stores = new();

    public override string NewStore() => $"m{Interlocked.Increment(ref s_next)}";

    public override ContractNode StartNode(string store, StoreLimits? limits = null)
    {
        var backplane = _stores.GetOrAdd(store, _ =>
        {
            var options = new InMemoryBackplaneOptions();
            if (limits?.MaxQueueLength is { } maxQueueLength)
            {
                options.MaxQueueLength = maxQueueLength;
            }
            return new InMemoryBackplane(options);
        });
        // The store outlives its nodes, as a Redis server outlives the processes that use it.
        return new ContractNode(backplane, new StreamHub(backplane, HubOptions()), () => ValueTask.CompletedTask);
    }

    public override string ToString() => "memory";
}
