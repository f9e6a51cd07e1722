namespace RxStreams.Diagnostics;

/// <summary>
/// What a node knows of one of its channels, read without locks for the admin page: its subscribers on this node and
/// the items that reached this node (counted once per item by the channel's shared feed, never per subscriber).
/// </summary>
internal interface IChannelFigures
{
    /// <summary>The channel's name.</summary>
    string Name { get; }

    /// <summary>True for a durable channel, false for an ephemeral one.</summary>
    bool IsDurable { get; }

    /// <summary>The channel's subscribers on this node now.</summary>
    int Subscribers { get; }

    /// <summary>The items that arrived on this node since it started.</summary>
    long Items { get; }
}
