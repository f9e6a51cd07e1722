namespace RxStreams.Diagnostics;

/// <summary>What a node counted of one work queue, for the admin page: cheap interlocked counters, once per item.</summary>
internal interface IWorkQueueFigures
{
    /// <summary>The queue's name.</summary>
    string Name { get; }

    /// <summary>Consumers of this node subscribed now.</summary>
    int Consumers { get; }

    /// <summary>Items this node enqueued since it started.</summary>
    long Enqueued { get; }

    /// <summary>Items delivered to this node's consumers since it started (a redelivery counts again).</summary>
    long Delivered { get; }

    /// <summary>Items this node's consumers acknowledged since it started.</summary>
    long Acknowledged { get; }
}
