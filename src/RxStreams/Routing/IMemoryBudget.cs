namespace RxStreams.Routing;

/// <summary>
/// What a host's connection lets the parts of a stream hold in memory on its behalf (input a handler has not read yet,
/// live items kept while history is replayed). Whatever is held counts against the connection's one limit, so the
/// memory held for a connection stays bounded whatever its client does.
/// </summary>
internal interface IMemoryBudget
{
    /// <summary>Counts <paramref name="bytes"/> more as held; false (and nothing counted) when that would pass the limit.</summary>
    bool TryHold(long bytes);

    /// <summary>No longer holds <paramref name="bytes"/> that <see cref="TryHold"/> counted.</summary>
    void Release(long bytes);
}
