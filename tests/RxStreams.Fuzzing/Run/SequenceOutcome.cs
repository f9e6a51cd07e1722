namespace RxStreams.Fuzzing.Run;

/// <summary>What running one sequence showed: the problems (none: the documented answer) and whether the connection is over.</summary>
public sealed record SequenceOutcome(IReadOnlyList<string> Problems, bool ConnectionEnded, string Observed, string Expected)
{
    public bool Ok => Problems.Count == 0;
}
