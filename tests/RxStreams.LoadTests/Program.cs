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
        RxStreams load tests (issues 8 and 13): RxStreams vs ASP.NET Core SignalR vs a raw Kestrel WebSocket ceiling.

          dotnet run -c Release --project tests/RxStreams.LoadTests -- --all

        runs every workload for the three servers and writes docs/benchmarks.md (the generated section), its charts
        (docs/benchmarks-*.svg) and docs/benchmarks.json. Workloads:
          echo        closed-loop round trips, 1 and 100 connections
          broadcast   1 publisher, 1,000 subscribers: deliveries/s at p99 <= 250 ms
          idle        10,000 connections with one open stream each: server memory per connection
          cross       publisher and subscribers on two nodes through Redis
          rooms       10,000 connections in 1,000 chat rooms of 10, a member of each room publishing in turn:
                      deliveries/s at p99 <= 250 ms
          storm       10,000 clients connect at once; the server is killed and restarted, they reconnect (RxStreams
                      also on a durable channel with Redis: resume, every item exactly once)
        Options:
          --all                       every workload, in the order above
          --workloads a,b             some of them          --servers rx,signalr,raw   some servers
          --quick                     small sizes, for development (also: --subscribers N, --idle-connections N,
                                      --echo-connections 1,100, --echo-seconds S, --step-seconds S, --start-rate R,
                                      --max-steps N, --bisect N, --cross-subscribers N, --cross-start-rate R,
                                      --room-connections N, --room-size N, --rooms-start-rate R,
                                      --storm-clients N, --storm-rate R)
          --idle-hold-seconds S       keep the idle workload's connections open S s after measuring (for dotnet-gcdump)
          --baseline FILE             the earlier run to compare with (default: docs/benchmarks.before.json, if there)
          --no-baseline               no before/after table
          --out DIR                   where to write benchmarks.md/json and the charts (default: the repository's docs/)
          --no-write                  print the report instead of writing it
          --render FILE               write the report and charts of an earlier run (its JSON) again, running nothing
                                      (this also rewrites benchmarks.json in the output directory, from FILE)
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
var canPin = RxStreams.Testing.CpuPinning.Available && !options.Has("--no-pin");
if (canPin && Environment.GetEnvironmentVariable("RXLOAD_PINNED") != "1")
{
    var (file, prefix) = ServerProcess.Self();
    var info = RxStreams.Testing.CpuPinning.StartInfo(file, prefix.Concat(args), "1");
    // The child writes the run's report: straight to this console.
    info.RedirectStandardOutput = false;
    info.RedirectStandardError = false;
    info.Environment["RXLOAD_PINNED"] = "1";
    info.Environment["DOTNET_TieredPGO"] = "0";
    info.Environment["DOTNET_TC_CallCountingDelayMs"] = "0";
    using var child = Process.Start(info)!;
    await child.WaitForExitAsync();
    return child.ExitCode;
}

// Inside `taskset -c 1`, Environment.ProcessorCount is 1: whether we are pinned comes from the parent.
var pinned = Environment.GetEnvironmentVariable("RXLOAD_PINNED") == "1";
LoadSettings settings;
try
{
    settings = LoadSettings.From(options, pinned);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine("error: " + e.Message + " (--help lists the options)");
    return 2;
}
var wantedFds = Math.Max(settings.IdleConnections, Math.Max(settings.RoomConnections, settings.StormClients)) + 2000;
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
