using System.Diagnostics;
using RxStreams.LoadTests;
using RxStreams.LoadTests.Load;
using RxStreams.LoadTests.Servers;

var options = new Options(args);
if (args.Length > 0 && args[0] == "server")
{
    return await ServerMain.RunAsync(options);
}
if (args.Length == 0 || options.Has("--help") || options.Has("-h"))
{
    Console.WriteLine("""
        RxStreams load tests (issue 8): RxStreams vs ASP.NET Core SignalR vs a raw Kestrel WebSocket ceiling.

          dotnet run -c Release --project tests/RxStreams.LoadTests -- --all

        runs every workload for the three servers and writes docs/benchmarks.md (the generated section) and
        docs/benchmarks.json. Options:
          --all                       every workload: echo, broadcast, idle, cross
          --workloads a,b             some of them          --servers rx,signalr,raw   some servers
          --quick                     small sizes, for development (also: --subscribers N, --idle-connections N,
                                      --echo-connections 1,100, --step-seconds S, --start-rate R, --max-steps N)
          --baseline FILE             the earlier run to compare with (default: docs/benchmarks.before.json, if there)
          --no-baseline               no before/after table
          --out DIR                   where to write benchmarks.md/json (default: the repository's docs/)
          --no-write                  print the report instead of writing it
          --render FILE               write the report of an earlier run (its JSON) again, running nothing
          --no-pin                    don't pin servers (core 0) and load generator (core 1) with taskset
        """);
    return 0;
}

if (options.Get("--render") is { } rendered)
{
    // Writes the report of an earlier run again (after a change to the report's layout), without running anything.
    var earlier = System.Text.Json.JsonSerializer.Deserialize(File.ReadAllText(rendered), ReportJsonContext.Default.RunReport)!;
    Report.Write(earlier, LoadSettings.From(options, earlier.Machine.Pinned), options, Report.FindRepositoryRoot());
    return 0;
}

// Servers on core 0 (each child is started under `taskset -c 0`), this process (the load generator) on core 1.
var canPin = Environment.ProcessorCount >= 2 && File.Exists("/usr/bin/taskset") && !options.Has("--no-pin");
if (canPin && Environment.GetEnvironmentVariable("RXLOAD_PINNED") != "1")
{
    var (file, prefix) = ServerProcess.Self();
    var info = new ProcessStartInfo("taskset") { UseShellExecute = false };
    foreach (var a in new[] { "-c", "1", file }.Concat(prefix).Concat(args))
    {
        info.ArgumentList.Add(a);
    }
    info.Environment["RXLOAD_PINNED"] = "1";
    info.Environment["DOTNET_TieredPGO"] = "0";
    info.Environment["DOTNET_TC_CallCountingDelayMs"] = "0";
    using var child = Process.Start(info)!;
    await child.WaitForExitAsync();
    return child.ExitCode;
}

// Inside `taskset -c 1`, Environment.ProcessorCount is 1: whether we are pinned comes from the parent.
var pinned = Environment.GetEnvironmentVariable("RXLOAD_PINNED") == "1";
var settings = LoadSettings.From(options, pinned);
var wantedFds = settings.IdleConnections + 2000;
var fds = Limits.EnsureFileDescriptors(wantedFds, "load");
var notes = new List<string>();
if (fds < wantedFds && settings.Workloads.Contains("idle"))
{
    var scaled = Math.Max(100, fds - 2000);
    notes.Add($"The open-file limit is {fds} (ulimit -n, hard limit included): the idle workload used {scaled} connections instead of {settings.IdleConnections}.");
    Console.Error.WriteLine("note: " + notes[^1]);
    settings.IdleConnections = scaled;
}
var root = Report.FindRepositoryRoot();
var report = new RunReport
{
    Machine = LoadGenerator.Machine(fds, pinned),
    Command = "dotnet run -c Release --project tests/RxStreams.LoadTests -- " + string.Join(' ', args),
    Commit = Report.Commit(root),
    Started = DateTimeOffset.UtcNow,
};
report.Notes.AddRange(notes);
Log.Info($"load average {report.Machine.LoadAverageAtStart}; {report.Machine.Cores} cores; pinned: {pinned}");
var clock = Stopwatch.StartNew();
await new LoadGenerator(settings, report).RunAsync();
report.DurationSeconds = clock.Elapsed.TotalSeconds;
report.Machine = report.Machine with { LoadAverageAtEnd = LoadGenerator.LoadAverage() };
Log.Info($"done in {report.DurationSeconds:0} s; load average {report.Machine.LoadAverageAtEnd}");
Report.Write(report, settings, options, root);
return 0;
