using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using RxStreams.Fuzzing.Client;
using RxStreams.Fuzzing.Grammar;
using RxStreams.Fuzzing.Host;
using RxStreams.Fuzzing.Scenarios;
using RxStreams.Fuzzing.Wire;
using RxStreams.Protocol;

namespace RxStreams.Fuzzing.Run;

/// <summary>
/// Runs a fuzz campaign: starts the hosts and a good client, generates sequences from the seed, runs them on a few
/// connections in parallel (batched while the connection survives them), checks each against the oracle, runs the
/// hostile scenarios beside, and at the end checks the run as a whole: nothing logged as an error, the server's
/// accounting back to zero, the heap bounded, the good client whole. Failing sequences are shrunk (frames dropped
/// one at a time while the sequence still fails on a fresh connection).
/// </summary>
public sealed class Fuzzer
{
    private readonly FuzzOptions _options;
    private readonly FuzzSettings _settings;
    private readonly SequenceRunner _runner;
    private readonly SequenceGrammar _grammar;
    private readonly FuzzReport _report = new();
    private readonly ConcurrentDictionary<string, long> _perClass = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _scenarioRuns = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _timePerClass = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _failuresPerClass = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Finding> _findings = new();
    private readonly SemaphoreSlim _scenarioSlots;
    private readonly ConcurrentBag<Task> _scenarios = [];
    private FuzzHost _host = null!;
    private long _next = -1;
    private long _done;
    private long _connections;
    private long _peakHeap;
    private long _limit;

    private const int ProgressEvery = 5000;

    /// <summary>Failures kept per class for the report (a known deviation fails thousands of times in a long run).</summary>
    private const int KeptPerClass = 20;

    /// <summary>Heap growth between the quiet points that is not charged to the connections (pools, caches, JIT).</summary>
    private const long RetainedSlackBytes = 8L * 1024 * 1024;

    public Fuzzer(FuzzOptions options)
    {
        _options = options;
        _settings = options.Settings;
        _runner = new SequenceRunner(_settings);
        _grammar = new SequenceGrammar(_settings, options.Seed, options.ScenarioEvery);
        _scenarioSlots = new SemaphoreSlim(options.ScenarioConcurrency);
    }

    public static Task<FuzzReport> RunAsync(FuzzOptions options) => new Fuzzer(options).RunAsync();

    private async Task<FuzzReport> RunAsync()
    {
        using var gauges = new ServerGauges();
        var baseline = (gauges.Connections, gauges.Streams, gauges.SendQueueBytes);
        var watch = Stopwatch.StartNew();
        _report.Seed = _options.Seed;
        await using (_host = await FuzzHost.StartAsync(_settings).ConfigureAwait(false))
        {
            _report.HeapAtStartBytes = GC.GetTotalMemory(forceFullCollection: true);
            await using var good = await GoodClient.StartAsync(_host.Main.Endpoint, _settings.MaxFrameSize).ConfigureAwait(false);
            using var sampler = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(500));
            if (_options.Only is { } only)
            {
                if (await RunOneAsync(_grammar.Create(only), null).ConfigureAwait(false) is { } connection)
                {
                    ReportLate(connection);
                    await connection.DisposeAsync().ConfigureAwait(false);
                }
                Interlocked.Increment(ref _done);
            }
            else
            {
                // Two halves with a quiet point between them: the heap the server keeps per connection is the growth
                // from one quiet point to the next, over the connections served in between (pools, sized by the
                // peak, fill in the first half and cancel out).
                _limit = _options.Iterations / 2;
                await Task.WhenAll(Enumerable.Range(0, _options.Workers).Select(_ => Task.Run(WorkerAsync))).ConfigureAwait(false);
                await Task.WhenAll(_scenarios).ConfigureAwait(false);
                var (heap1, connections1) = await QuietHeapAsync(gauges, baseline.Connections + 1).ConfigureAwait(false);
                _limit = _options.Iterations;
                await Task.WhenAll(Enumerable.Range(0, _options.Workers).Select(_ => Task.Run(WorkerAsync))).ConfigureAwait(false);
                await Task.WhenAll(_scenarios).ConfigureAwait(false);
                var (heap2, connections2) = await QuietHeapAsync(gauges, baseline.Connections + 1).ConfigureAwait(false);
                if (connections2 > connections1)
                {
                    _report.RetainedBytesPerConnection = (heap2 - heap1) / (connections2 - connections1);
                    // Pools and caches settle by a few MiB whatever the run: only growth beyond that slack counts.
                    if (heap2 - heap1 > RetainedSlackBytes + (_options.RetainedBytesPerConnection * (connections2 - connections1)))
                    {
                        Add(new Finding("run.retained-memory", -1,
                            $"the server's heap grew {(heap2 - heap1) / 1048576.0:0.0} MiB over {connections2 - connections1:N0} connections that all closed: {_report.RetainedBytesPerConnection} bytes kept per connection served", "", KnownDeviations.IsPending("run.retained-memory")));
                    }
                }
            }
            await Task.WhenAll(_scenarios).ConfigureAwait(false);
            await good.StopAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            _report.GoodClientItems = good.Received;
            foreach (var problem in good.Problems)
            {
                Add(new Finding("run.good-client", -1, problem, "", false));
            }
            await good.DisposeAsync().ConfigureAwait(false);

            // The server's accounting must come back to where it started once every fuzz connection is gone.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (DateTime.UtcNow < deadline && (gauges.Connections, gauges.Streams, gauges.SendQueueBytes) != baseline)
            {
                await Task.Delay(50).ConfigureAwait(false);
            }
            if ((gauges.Connections, gauges.Streams, gauges.SendQueueBytes) != baseline)
            {
                Add(new Finding("run.leak", -1,
                    $"after every client left, the server still counts {gauges.Connections - baseline.Connections} connections, {gauges.Streams - baseline.Streams} streams and {gauges.SendQueueBytes - baseline.SendQueueBytes} bytes queued (rxstreams.connections, .streams, .send_queue.bytes)", "", false));
            }
            var perConnection = (long)_settings.MaxPendingBytes + 4L * _settings.MaxFrameSize;
            if (gauges.PeakSendQueueBytes > Math.Max(1, gauges.PeakConnections) * perConnection)
            {
                Add(new Finding("run.memory", -1,
                    $"{gauges.PeakSendQueueBytes} bytes were queued for sending with at most {gauges.PeakConnections} connections: more than {perConnection} per connection (MaxPendingBytesPerConnection + frames in flight)", "", false));
            }
            foreach (var failure in _host.Logs.Failures)
            {
                var known = KnownDeviations.ClassOfLog(failure);
                Add(new Finding(known ?? "run.server-log", -1, "the server logged: " + failure, "", known is not null));
            }
            _report.ServerWarnings = new Dictionary<string, int>(_host.Logs.Warnings);
            _report.PeakServerConnections = gauges.PeakConnections;
            _report.PeakServerStreams = gauges.PeakStreams;
            _report.PeakSendQueueBytes = gauges.PeakSendQueueBytes;
        }
        _host = null!; // the stopped hosts (and everything they held) may go now
        _report.HeapAtEndBytes = GC.GetTotalMemory(forceFullCollection: true);
        Sample();
        _report.PeakHeapBytes = Interlocked.Read(ref _peakHeap);
        _report.PeakWorkingSetBytes = Process.GetCurrentProcess().PeakWorkingSet64;
        if (_report.PeakHeapBytes > _report.HeapAtStartBytes + _options.HeapBoundBytes)
        {
            Add(new Finding("run.memory", -1, $"the GC heap reached {_report.PeakHeapBytes / 1048576} MiB, more than {_options.HeapBoundBytes / 1048576} MiB above its {_report.HeapAtStartBytes / 1048576} MiB at the start", "", false));
        }
        _report.Duration = watch.Elapsed;
        _report.Sequences = Interlocked.Read(ref _done);
        _report.Connections = Interlocked.Read(ref _connections);
        foreach (var (name, count) in _perClass)
        {
            _report.PerClass[name] = count;
            _report.TimePerClass[name] = TimeSpan.FromTicks(_timePerClass.GetValueOrDefault(name));
        }
        _report.Findings.AddRange(_findings.OrderBy(f => f.Class, StringComparer.Ordinal).ThenBy(f => f.Index));
        foreach (var (name, count) in _failuresPerClass)
        {
            _report.FailuresPerClass[name] = count;
        }
        foreach (var known in KnownDeviations.Pending.Keys)
        {
            if (_perClass.ContainsKey(known) && !_failuresPerClass.ContainsKey(known))
            {
                _report.FixedButStillListed.Add(known);
            }
        }
        return _report;
    }

    /// <summary>Waits until only the good client is connected, then measures the heap after full collections.</summary>
    private async Task<(long Heap, long Connections)> QuietHeapAsync(ServerGauges gauges, long connections)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (gauges.Connections > connections && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20).ConfigureAwait(false);
        }
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return (GC.GetTotalMemory(forceFullCollection: true), Interlocked.Read(ref _connections));
    }

    private void Sample()
    {
        var heap = GC.GetTotalMemory(forceFullCollection: false);
        long current;
        while (heap > (current = Interlocked.Read(ref _peakHeap)) && Interlocked.CompareExchange(ref _peakHeap, heap, current) != current)
        {
        }
    }

    /// <summary>Records a failure; only the first few of a class are kept (the report counts them all).</summary>
    private void Add(Finding finding)
    {
        if (_failuresPerClass.AddOrUpdate(finding.Class, 1, (_, n) => n + 1) <= KeptPerClass)
        {
            _findings.Enqueue(finding);
        }
    }

    private async Task WorkerAsync()
    {
        FuzzConnection? batched = null;
        try
        {
            while (true)
            {
                var index = Interlocked.Increment(ref _next);
                if (index >= Interlocked.Read(ref _limit))
                {
                    Interlocked.Decrement(ref _next); // this phase is done: the index is the next phase's
                    break;
                }
                var sequence = _grammar.Create(index);
                var started = Stopwatch.GetTimestamp();
                batched = await RunOneAsync(sequence, batched).ConfigureAwait(false);
                _timePerClass.AddOrUpdate(sequence.Class, Stopwatch.GetElapsedTime(started).Ticks, (_, t) => t + Stopwatch.GetElapsedTime(started).Ticks);
                if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(5))
                {
                    _options.Log($"slow: sequence #{index} [{sequence.Class}] took {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
                }
                var done = Interlocked.Increment(ref _done);
                if (done % ProgressEvery == 0)
                {
                    _options.Log($"{done:N0} sequences, {_failuresPerClass.Values.Sum()} failing ({_failuresPerClass.Where(p => !KnownDeviations.IsPending(p.Key)).Sum(p => p.Value)} new), heap {GC.GetTotalMemory(false) / 1048576} MiB");
                }
            }
        }
        finally
        {
            if (batched is not null)
            {
                ReportLate(batched);
                await batched.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Runs one sequence; returns the batched connection to use next (null when it ended).</summary>
    private async Task<FuzzConnection?> RunOneAsync(FuzzSequence sequence, FuzzConnection? batched)
    {
        _perClass.AddOrUpdate(sequence.Class, 1, (_, n) => n + 1);
        if (sequence.Mode == SequenceMode.Scenario)
        {
            await _scenarioSlots.WaitAsync().ConfigureAwait(false);
            _scenarios.Add(Task.Run(async () =>
            {
                try
                {
                    await RunScenarioAsync(sequence).ConfigureAwait(false);
                }
                finally
                {
                    _scenarioSlots.Release();
                }
            }));
            return batched;
        }
        try
        {
            if (sequence.Mode == SequenceMode.Batched)
            {
                batched ??= await NewConnectionAsync(handshake: true).ConfigureAwait(false);
                var idBase = batched.IdBase;
                var outcome = await _runner.RunAsync(sequence, batched).ConfigureAwait(false);
                if (!outcome.Ok)
                {
                    await FailedAsync(sequence, outcome, idBase).ConfigureAwait(false);
                }
                if (outcome.ConnectionEnded)
                {
                    ReportLate(batched);
                    await batched.DisposeAsync().ConfigureAwait(false);
                    return null;
                }
                return batched;
            }
            var (ok, outcomeFresh) = await RunFreshAsync(sequence).ConfigureAwait(false);
            if (!ok)
            {
                await FailedAsync(sequence, outcomeFresh, 0).ConfigureAwait(false);
            }
            return batched;
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or InvalidOperationException)
        {
            Add(new Finding(sequence.Class, sequence.Index, "the fuzz client failed: " + e.Message, sequence.Describe(batched?.IdBase ?? 0), KnownDeviations.IsPending(sequence.Class)));
            if (batched is not null)
            {
                await batched.DisposeAsync().ConfigureAwait(false);
            }
            return null;
        }
    }

    private async Task<FuzzConnection> NewConnectionAsync(bool handshake)
    {
        Interlocked.Increment(ref _connections);
        var socket = await FuzzSocket.ConnectAsync(_host.Main.Endpoint, _settings.MaxFrameSize).ConfigureAwait(false);
        if (handshake)
        {
            await socket.SendAsync(new FuzzMessage(MessageKind.Binary, [Parts.Hello(1, "")]).Render(0)).ConfigureAwait(false);
            var welcome = await socket.ReceiveAsync(SequenceRunner.AnswerTimeout).ConfigureAwait(false);
            if (welcome is not { Type: FrameType.Welcome })
            {
                await socket.DisposeAsync().ConfigureAwait(false);
                throw new InvalidOperationException($"no WELCOME for a valid HELLO, got {welcome?.ToString() ?? "nothing"}");
            }
        }
        return new FuzzConnection(socket, handshake);
    }

    /// <summary>Runs a sequence on a connection of its own (base 0).</summary>
    private async Task<(bool Ok, SequenceOutcome Outcome)> RunFreshAsync(FuzzSequence sequence)
    {
        await using var connection = await NewConnectionAsync(handshake: sequence.Mode != SequenceMode.PreHello).ConfigureAwait(false);
        var outcome = await _runner.RunAsync(sequence, connection).ConfigureAwait(false);
        var late = connection.LateProblems.Count;
        return (outcome.Ok && late == 0, outcome);
    }

    private void ReportLate(FuzzConnection connection)
    {
        foreach (var (index, name, problem) in connection.LateProblems)
        {
            Add(new Finding(name, index, problem, "", KnownDeviations.IsPending(name)));
        }
        connection.LateProblems.Clear();
    }

    private async Task FailedAsync(FuzzSequence sequence, SequenceOutcome outcome, uint idBase)
    {
        var known = KnownDeviations.IsPending(sequence.Class);
        var failures = _failuresPerClass.AddOrUpdate(sequence.Class, 1, (_, n) => n + 1);
        var first = failures <= _options.ShrinkPerClass;
        var repro = new StringBuilder();
        var problem = string.Join("; ", outcome.Problems);
        if (first && sequence.Mode != SequenceMode.Scenario)
        {
            var (shrunk, shrunkOutcome) = await ShrinkAsync(sequence).ConfigureAwait(false);
            if (shrunk is not null)
            {
                repro.Append("  minimal failing sequence (on a fresh connection):").AppendLine();
                repro.Append("  ").Append(shrunk.Describe(0).Replace("\n", "\n  ", StringComparison.Ordinal));
                repro.AppendLine("  expected (the model's reasoning):").AppendLine(shrunkOutcome!.Expected);
                repro.Append("  received: ").AppendLine(shrunkOutcome.Observed);
                problem = string.Join("; ", shrunkOutcome.Problems);
            }
            else
            {
                repro.AppendLine("  (passes alone on a fresh connection: it failed after the sequences before it on its connection)");
                repro.Append("  ").Append(sequence.Describe(idBase).Replace("\n", "\n  ", StringComparison.Ordinal));
                repro.AppendLine(outcome.Expected);
                repro.Append("  received: ").AppendLine(outcome.Observed);
            }
            repro.Append(Replay(sequence));
        }
        // By the count when it failed: other workers' failures of the class while this one shrank must not drop it.
        if (failures <= KeptPerClass)
        {
            _findings.Enqueue(new Finding(sequence.Class, sequence.Index, problem, repro.ToString(), known));
        }
    }

    /// <summary>The report's line that runs <paramref name="sequence"/> again, alone.</summary>
    private string Replay(FuzzSequence sequence)
        => FormattableString.Invariant($"  replay: dotnet run -c Release --project tests/RxStreams.Fuzzing -- --seed {_options.Seed} --only {sequence.Index}");

    /// <summary>Drops frames (then whole messages) one at a time while the sequence still fails on a fresh connection.</summary>
    private async Task<(FuzzSequence? Sequence, SequenceOutcome? Outcome)> ShrinkAsync(FuzzSequence sequence)
    {
        var (ok, outcome) = await RunFreshAsync(sequence).ConfigureAwait(false);
        if (ok)
        {
            return (null, null);
        }
        var current = sequence;
        var runs = 1;
        var changed = true;
        while (changed && runs < _options.MaxShrinkRuns)
        {
            changed = false;
            for (var m = 0; m < current.Messages.Count && !changed && runs < _options.MaxShrinkRuns; m++)
            {
                var message = current.Messages[m];
                for (var p = message.Parts.Count - 1; p >= -1 && !changed && runs < _options.MaxShrinkRuns; p--)
                {
                    // p = -1: drop the whole message (a text or empty message has no frame to drop).
                    var messages = current.Messages.ToList();
                    if (p < 0)
                    {
                        messages.RemoveAt(m);
                    }
                    else
                    {
                        var parts = message.Parts.ToList();
                        parts.RemoveAt(p);
                        if (parts.Count == 0)
                        {
                            continue;
                        }
                        messages[m] = message with { Parts = parts };
                    }
                    if (messages.Count == 0)
                    {
                        continue;
                    }
                    var candidate = current.With(messages);
                    runs++;
                    var (candidateOk, candidateOutcome) = await RunFreshAsync(candidate).ConfigureAwait(false);
                    if (!candidateOk)
                    {
                        (current, outcome, changed) = (candidate, candidateOutcome, true);
                    }
                }
            }
        }
        return (current, outcome);
    }

    private async Task RunScenarioAsync(FuzzSequence sequence)
    {
        var scenario = sequence.Scenario!;
        var occurrence = _scenarioRuns.AddOrUpdate(scenario.Name, 0, (_, n) => n + 1);
        var context = new ScenarioContext(_settings, _host, sequence.Index, occurrence, new Random(_options.Seed ^ (int)sequence.Index));
        try
        {
            await scenario.RunAsync(context).WaitAsync(TimeSpan.FromMinutes(2)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or IOException or TimeoutException or OperationCanceledException or InvalidOperationException)
        {
            context.Problem($"the scenario failed: {e.GetType().Name}: {e.Message}");
        }
        Interlocked.Add(ref _connections, context.Connections);
        if (context.Problems.Count > 0)
        {
            var repro = $"  {scenario.Description}{Environment.NewLine}  received: {string.Join("; ", context.Log.TakeLast(12))}{Environment.NewLine}{Replay(sequence)}";
            Add(new Finding(sequence.Class, sequence.Index, string.Join("; ", context.Problems), repro, KnownDeviations.IsPending(sequence.Class)));
        }
    }
}
