namespace RxStreams.Fuzzing.Run;

/// <summary>
/// A deviation from docs/protocol.md (or from the run's global checks: logged errors, memory, a good client losing
/// something). <see cref="KnownRed"/>: its class is in <see cref="KnownDeviations.Pending"/>, a deviation being fixed.
/// </summary>
public sealed record Finding(string Class, long Index, string Problem, string Repro, bool KnownRed)
{
    public override string ToString()
        => $"{(KnownRed ? "[known, pending a fix] " : "")}[{Class}] sequence #{Index}: {Problem}{(Repro.Length > 0 ? Environment.NewLine + Repro : "")}";
}
