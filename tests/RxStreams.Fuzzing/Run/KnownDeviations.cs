namespace RxStreams.Fuzzing.Run;

/// <summary>
/// Sequence classes whose documented answer the server does not give yet: the findings of issue 12 being fixed, and
/// the fuzzer's own new findings. Their sequences still run and are still checked; a failure in one of these classes
/// is reported as "known" instead of failing the run. Remove a class from <see cref="Pending"/> once its fix lands:
/// from then on the fuzz test holds the server to the document for it. A class listed here that no longer fails is
/// reported too (<see cref="FuzzReport.FixedButStillListed"/>), so the list cannot go stale unnoticed.
/// </summary>
public static class KnownDeviations
{
    /// <summary>Class → why it is pending (and, optionally, text of a server log error it causes, so that error counts as known too).</summary>
    public static readonly IReadOnlyDictionary<string, (string Why, string? LogSignature)> Pending = new Dictionary<string, (string, string?)>(StringComparer.Ordinal)
    {
        // Issue 12's findings 1-4 and the fuzzer's findings A-E (docs/security.md, "Fuzzing") are fixed: the fuzz test
        // holds the server to the document for them. Add a class here only while its fix is under way, with the reason.
    };

    public static bool IsPending(string sequenceClass) => Pending.ContainsKey(sequenceClass);

    /// <summary>The pending class a server log error belongs to, if any.</summary>
    public static string? ClassOfLog(string logEntry)
        => Pending.FirstOrDefault(p => p.Value.LogSignature is { } signature && logEntry.Contains(signature, StringComparison.Ordinal)).Key;
}
