namespace RxStreams.AspNetCore.Admin;

/// <summary>
/// The latest snapshot of every node, as the admin channel brings them: a newer snapshot of a node replaces its older
/// one (an older or repeated one, arriving late, is ignored), and a node not heard from within the expiry leaves the
/// view. Time is this node's own (<see cref="TimeProvider.GetTimestamp"/> at receipt), so clocks that disagree
/// between nodes do not matter.
/// </summary>
internal sealed class ClusterSnapshots(TimeProvider clock, TimeSpan expiry)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _nodes = new(StringComparer.Ordinal);

    /// <summary>Keeps <paramref name="snapshot"/> as its node's latest; false when a newer one is already held.</summary>
    public bool Add(NodeSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var now = clock.GetTimestamp();
        lock (_gate)
        {
            if (_nodes.TryGetValue(snapshot.Node, out var held) && held.Snapshot.Sequence >= snapshot.Sequence)
            {
                return false;
            }
            _nodes[snapshot.Node] = new Entry(snapshot, now);
            return true;
        }
    }

    /// <summary>The nodes heard from within the expiry, ordered by name then id; forgets the others.</summary>
    public NodeSnapshot[] Current()
    {
        var now = clock.GetTimestamp();
        lock (_gate)
        {
            List<string>? expired = null;
            foreach (var (node, entry) in _nodes)
            {
                if (clock.GetElapsedTime(entry.ReceivedAt, now) > expiry)
                {
                    (expired ??= []).Add(node);
                }
            }
            expired?.ForEach(n => _nodes.Remove(n));
            return [.. _nodes.Values.Select(e => e.Snapshot).OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Node, StringComparer.Ordinal)];
        }
    }

    private readonly record struct Entry(NodeSnapshot Snapshot, long ReceivedAt);
}
