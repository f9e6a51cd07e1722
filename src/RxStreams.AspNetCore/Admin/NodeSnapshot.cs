namespace RxStreams.AspNetCore.Admin;

/// <summary>
/// What one node says about itself every <see cref="RxStreamsAdminOptions.SnapshotInterval"/>, published on the
/// backplane's internal admin channel (<see cref="AdminNode.Channel"/>) for every node's admin page. Counters
/// (<see cref="Drops"/>, <see cref="ChannelSnapshot.Items"/>, the queue counts) run since the node started; rates are
/// the node's own, over the last interval.
/// </summary>
/// <param name="Node">The node's id (random per process, the id client-hosted servers name their owner by).</param>
/// <param name="Name">The node's display name (<see cref="RxStreamsAdminOptions.NodeName"/>).</param>
/// <param name="Sequence">Counts the node's snapshots: a merger keeps the highest.</param>
/// <param name="Backplane">The backplane's name ("memory", "redis").</param>
/// <param name="StartedAt">When the node started reporting (Unix milliseconds).</param>
/// <param name="At">When the snapshot was taken (Unix milliseconds, the node's clock).</param>
/// <param name="Connections">Client connections open now.</param>
/// <param name="Streams">Logical streams open now, over all connections.</param>
/// <param name="SendQueueBytes">Bytes queued for sending now, over all connections.</param>
/// <param name="LargestSendQueueBytes">The fullest connection's queued bytes.</param>
/// <param name="Drops">Streams and connections ended for a limit (slow consumer, rate, frame size) since the start.</param>
/// <param name="ItemsPerSecond">Channel items that reached the node per second, over every channel.</param>
/// <param name="ChannelCount">The node's channels, including those left out of <paramref name="Channels"/>.</param>
/// <param name="Channels">The node's channels with the most subscribers, at most <see cref="RxStreamsAdminOptions.MaxListLength"/>.</param>
/// <param name="Presence">The presence sets the node holds members of.</param>
/// <param name="Servers">The client-hosted servers whose host is connected to this node.</param>
/// <param name="CallerStreams">Streams of this node's clients to client-hosted servers, open now.</param>
/// <param name="HostedStreams">Streams to servers hosted here, from callers anywhere, open now.</param>
/// <param name="Queues">The work queues this node enqueues to or consumes.</param>
internal sealed record NodeSnapshot(
    string Node,
    string Name,
    long Sequence,
    string Backplane,
    long StartedAt,
    long At,
    int Connections,
    int Streams,
    long SendQueueBytes,
    long LargestSendQueueBytes,
    long Drops,
    double ItemsPerSecond,
    int ChannelCount,
    ChannelSnapshot[] Channels,
    PresenceSnapshot[] Presence,
    ServerSnapshot[] Servers,
    int CallerStreams,
    int HostedStreams,
    QueueSnapshot[] Queues);

/// <summary>One channel on one node.</summary>
/// <param name="Name">The channel's name.</param>
/// <param name="Durable">True for a durable channel, false for an ephemeral one.</param>
/// <param name="Subscribers">Its subscribers on the node.</param>
/// <param name="Items">Items that reached the node since it started.</param>
/// <param name="Rate">Items per second over the last interval.</param>
internal sealed record ChannelSnapshot(string Name, bool Durable, int Subscribers, long Items, double Rate);

/// <summary>One presence set on one node.</summary>
/// <param name="Name">The set's name.</param>
/// <param name="Members">Members the node joined and that have not left.</param>
internal sealed record PresenceSnapshot(string Name, int Members);

/// <summary>A client-hosted server whose host is connected to the node.</summary>
/// <param name="Name">The server's name.</param>
/// <param name="Connection">The hosting connection's id.</param>
internal sealed record ServerSnapshot(string Name, string Connection);

/// <summary>One work queue on one node, counted since the node started.</summary>
/// <param name="Name">The queue's name.</param>
/// <param name="Consumers">The node's consumers subscribed now.</param>
/// <param name="Enqueued">Items the node enqueued.</param>
/// <param name="Delivered">Items delivered to the node's consumers (redeliveries count again).</param>
/// <param name="Acknowledged">Items the node's consumers acknowledged.</param>
internal sealed record QueueSnapshot(string Name, int Consumers, long Enqueued, long Delivered, long Acknowledged);

/// <summary>What the admin stream sends every interval: the latest snapshot of every node heard from recently.</summary>
/// <param name="At">When the view was made (Unix milliseconds, the serving node's clock).</param>
/// <param name="Node">The id of the node that serves the view.</param>
/// <param name="Nodes">The nodes, ordered by name then id.</param>
internal sealed record ClusterView(long At, string Node, NodeSnapshot[] Nodes);
