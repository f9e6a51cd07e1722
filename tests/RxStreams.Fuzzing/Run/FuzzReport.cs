using System.Globalization;
using System.Text;

namespace RxStreams.Fuzzing.Run;

/// <summary>The figures and findings of a run.</summary>
public sealed class FuzzReport
{
    public long Sequences { get; set; }

    public int Seed { get; set; }

    public TimeSpan Duration { get; set; }

    public long Connections { get; set; }

    public Dictionary<string, long> PerClass { get; } = new(StringComparer.Ordinal);

    /// <summary>Time spent in each class's sequences, summed over the workers (where a run's time goes).</summary>
    public Dictionary<string, TimeSpan> TimePerClass { get; } = new(StringComparer.Ordinal);

    /// <summary>The findings kept for the report (the first few of each class).</summary>
    public List<Finding> Findings { get; } = [];

    /// <summary>How many times each class failed.</summary>
    public Dictionary<string, int> FailuresPerClass { get; } = new(StringComparer.Ordinal);

    /// <summary>Known-red classes (<see cref="KnownDeviations.Pending"/>) that ran and never failed: their fix landed, take them off the list.</summary>
    public List<string> FixedButStillListed { get; } = [];

    public long PeakHeapBytes { get; set; }

    public long HeapAtStartBytes { get; set; }

    public long HeapAtEndBytes { get; set; }

    /// <summary>The heap the server kept per connection served, between two quiet points of the run (every fuzz client gone).</summary>
    public long RetainedBytesPerConnection { get; set; }

    public long PeakWorkingSetBytes { get; set; }

    public long PeakServerConnections { get; set; }

    public long PeakServerStreams { get; set; }

    public long PeakSendQueueBytes { get; set; }

    public long GoodClientItems { get; set; }

    public IReadOnlyDictionary<string, int> ServerWarnings { get; set; } = new Dictionary<string, int>();

    public IEnumerable<Finding> NewFindings => Findings.Where(f => !f.KnownRed);

    public IEnumerable<Finding> KnownRed => Findings.Where(f => f.KnownRed);

    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"fuzz run: seed {Seed}, {Sequences:N0} sequences on {Connections:N0} connections in {Duration.TotalSeconds:0.0} s ({Sequences / Math.Max(0.001, Duration.TotalSeconds):N0}/s)");
        text.AppendLine(c, $"  failures: {FailuresPerClass.Where(p => !KnownDeviations.IsPending(p.Key)).Sum(p => p.Value)} new, {FailuresPerClass.Where(p => KnownDeviations.IsPending(p.Key)).Sum(p => p.Value)} known (pending fixes) in {FailuresPerClass.Count} classes");
        text.AppendLine(c, $"  GC heap: {HeapAtStartBytes / 1048576.0:0.0} MiB at start, peak {PeakHeapBytes / 1048576.0:0.0} MiB, {HeapAtEndBytes / 1048576.0:0.0} MiB at the end after a full GC; peak working set {PeakWorkingSetBytes / 1048576.0:0.0} MiB (client and server in one process)");
        text.AppendLine(c, $"  heap kept by the server per connection served, once closed (growth between two quiet points of the run): {RetainedBytesPerConnection} bytes");
        text.AppendLine(c, $"  server: peak {PeakServerConnections} connections, {PeakServerStreams} streams, {PeakSendQueueBytes / 1024.0:0.0} KiB queued for sending (all connections)");
        text.AppendLine(c, $"  good client: {GoodClientItems:N0} items echoed in order, none lost");
        text.AppendLine("  sequences per class: " + string.Join(", ", PerClass.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}")));
        text.AppendLine("  worker time per class (top 8): " + string.Join(", ", TimePerClass.OrderByDescending(p => p.Value).Take(8).Select(p => $"{p.Key} {p.Value.TotalSeconds:0.0} s ({p.Value.TotalMilliseconds / Math.Max(1, PerClass.GetValueOrDefault(p.Key)):0.0} ms each)")));
        if (ServerWarnings.Count > 0)
        {
            text.AppendLine("  server warnings: " + string.Join(", ", ServerWarnings.Select(p => $"{p.Key} ×{p.Value}")));
        }
        foreach (var group in Findings.GroupBy(f => (f.Class, f.KnownRed)))
        {
            text.AppendLine(c, $"--- {(group.Key.KnownRed ? "KNOWN (pending fix " + KnownDeviations.Pending[group.Key.Class].Why + ")" : "FINDING")} {group.Key.Class}: {FailuresPerClass.GetValueOrDefault(group.Key.Class)} failure(s); the first:");
            text.AppendLine(group.First().ToString());
        }
        foreach (var stale in FixedButStillListed)
        {
            text.AppendLine(c, $"--- {stale} is listed in KnownDeviations.Pending but passed every time: remove it from the list.");
        }
        return text.ToString();
    }
}
