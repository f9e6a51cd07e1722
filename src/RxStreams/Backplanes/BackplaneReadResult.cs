namespace RxStreams.Backplanes;

/// <summary>A page of history and the bounds observed with it (atomically, so a reader can tell a gap).</summary>
/// <param name="Entries">The entries after the requested offset, in order, at most the requested count.</param>
/// <param name="Info">The channel's bounds at the time of the read.</param>
public readonly record struct BackplaneReadResult(IReadOnlyList<BackplaneEntry> Entries, StreamChannelInfo Info);
