namespace RxStreams.Fuzzing.Run;

/// <summary>How a fuzz run goes.</summary>
public sealed record FuzzOptions
{
    /// <summary>The default seed: the same sequences on every run unless another is asked for.</summary>
    public const int DefaultSeed = 20261207;

    public long Iterations { get; init; } = 20_000;

    public int Seed { get; init; } = DefaultSeed;

    /// <summary>Connections carrying sequences in parallel.</summary>
    public int Workers { get; init; } = 6;

    /// <summary>Hostile scenarios running at once (they mostly wait on timers).</summary>
    public int ScenarioConcurrency { get; init; } = 4;

    /// <summary>Every this many sequences, one is a hostile scenario.</summary>
    public int ScenarioEvery { get; init; } = 250;

    /// <summary>The GC heap may grow this much above its size at the start (a generous bound: a leak grows without one).</summary>
    public long HeapBoundBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>
    /// The heap the server may keep per connection it served once it closed (the growth between two quiet points of
    /// the run, over the connections in between). A closed connection should cost next to nothing; the session record
    /// (about 200 bytes, kept for SessionTimeout) and the fuzzer's own bookkeeping fit well within this.
    /// </summary>
    public long RetainedBytesPerConnection { get; init; } = 1024;

    /// <summary>Failing sequences shrunk per class (shrinking reruns a sequence many times).</summary>
    public int ShrinkPerClass { get; init; } = 1;

    /// <summary>The most reruns one shrink may take.</summary>
    public int MaxShrinkRuns { get; init; } = 60;

    /// <summary>Only this sequence (a replay of a reported one); null: all.</summary>
    public long? Only { get; init; }

    public FuzzSettings Settings { get; init; } = new();

    /// <summary>Progress lines.</summary>
    public Action<string> Log { get; init; } = _ => { };
}
