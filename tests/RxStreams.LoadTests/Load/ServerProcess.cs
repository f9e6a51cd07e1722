using System.Diagnostics;
using System.Net.Http.Json;
using RxStreams.LoadTests.Servers;

namespace RxStreams.LoadTests.Load;

/// <summary>A server under test in a child process (this same executable, `server --kind …`), pinned to the server core.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private readonly Process _process;

    private ServerProcess(Process process, Uri baseAddress, string kind)
    {
        _process = process;
        BaseAddress = baseAddress;
        Kind = kind;
    }

    public Uri BaseAddress { get; }

    public string Kind { get; }

    public int Pid => _process.Id;

    /// <summary>The server's WebSocket endpoint.</summary>
    public Uri Endpoint => new($"ws://{BaseAddress.Authority}{LeanClient.PathOf(Kind)}");

    public static async Task<ServerProcess> StartAsync(string kind, string? cpus, params string[] extra)
    {
        var (file, prefix) = Self();
        var info = RxStreams.Testing.CpuPinning.StartInfo(file, prefix.Concat(["server", "--kind", kind]).Concat(extra), cpus);
        info.RedirectStandardInput = true;
        info.Environment["DOTNET_gcServer"] = "0";
        // Runs are short: go straight to fully optimized code (tier 0 → tier 1 after 30 calls, no instrumented PGO
        // tier in between), so every server is measured in its steady state once the warm-up is over.
        info.Environment["DOTNET_TieredPGO"] = "0";
        info.Environment["DOTNET_TC_CallCountingDelayMs"] = "0";
        if (Environment.GetEnvironmentVariable("RXLOAD_PERFMAP") == "1")
        {
            info.Environment["DOTNET_PerfMapEnabled"] = "1";
            info.Environment["DOTNET_EnableWriteXorExecute"] = "0"; // else JIT code sits in an anonymous double mapping perf cannot name
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("the server process did not start");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"  [{kind} server] {e.Data}");
            }
        };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException($"the {kind} server exited before it was ready (exit code {(process.HasExited ? process.ExitCode : -1)})");
            if (line.StartsWith("READY ", StringComparison.Ordinal))
            {
                var address = line[6..].Trim().Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
                _ = DrainAsync(process.StandardOutput);
                return new ServerProcess(process, new Uri(address + "/"), kind);
            }
        }
    }

    private static async Task DrainAsync(StreamReader output)
    {
        try
        {
            while (await output.ReadLineAsync() is not null)
            {
            }
        }
        catch (IOException)
        {
        }
    }

    /// <summary>This executable and the arguments that start it (`dotnet x.dll` or the app host).</summary>
    public static (string File, string[] Prefix) Self()
    {
        var path = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(path) == "dotnet"
            ? (path, [typeof(ServerProcess).Assembly.Location])
            : (path, []);
    }

    public async Task<ServerStats> StatsAsync(bool collect = false)
        => (await Http.GetFromJsonAsync(new Uri(BaseAddress, collect ? "stats?gc=1" : "stats"), StatsJsonContext.Default.ServerStats))!;

    /// <summary>Waits until the server counts <paramref name="subscribers"/> subscriptions.</summary>
    public async Task WaitForSubscribersAsync(int subscribers, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var stats = await StatsAsync();
            if (stats.Subscribers >= subscribers)
            {
                return;
            }
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"the {Kind} server has {stats.Subscribers} of {subscribers} subscribers after {timeout.TotalSeconds} s");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Kills the server (SIGKILL, as a crash would) and waits until it is gone: its connections drop at once.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
            }
        }
        _process.Dispose();
    }
}
