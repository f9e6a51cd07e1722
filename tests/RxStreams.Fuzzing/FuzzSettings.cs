namespace RxStreams.Fuzzing;

/// <summary>
/// The limits the fuzz hosts run with: small, so every limit is reachable in a few frames. The oracle reads the same
/// values, so host and model cannot disagree about them.
/// </summary>
public sealed record FuzzSettings
{
    public int MaxFrameSize { get; init; } = 4096;

    public int MaxPendingBytes { get; init; } = 32 * 1024;

    public int MaxStreams { get; init; } = 16;

    public int MaxRouteLength { get; init; } = 64;

    public int MaxUnreadInput { get; init; } = 4;

    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Short, so the server's keep-alive (and what hangs on its timer) is exercised within a run.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The main host's rate limit: high enough that no sequence of the grammar reaches it by accident.</summary>
    public int MessagesPerSecond { get; init; } = 10_000_000;

    /// <summary>The rate host's limit: a burst of 20, then 2 a second (the flood scenarios run there).</summary>
    public int RateHostMessagesPerSecond { get; init; } = 2;

    public int RateHostBurst { get; init; } = 20;
}
