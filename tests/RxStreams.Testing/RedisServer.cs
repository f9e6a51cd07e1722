using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace RxStreams.Testing;

/// <summary>
/// A real redis-server on a free loopback port, started for a test run and stopped with it. No persistence unless
/// asked for (AOF for durability tests, in a private directory). Can be stopped and restarted on the same port.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly bool _appendOnly;
    private readonly string? _cpus;
    private readonly string _directory;
    private Process? _process;

    private RedisServer(int port, bool appendOnly, string? cpus)
    {
        Port = port;
        _appendOnly = appendOnly;
        _cpus = cpus;
        _directory = Path.Combine(Path.GetTempPath(), "rxstreams-redis-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_directory);
    }

    /// <summary>The port it listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>A StackExchange.Redis connection string for it.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectRetry=3,connectTimeout=5000,syncTimeout=5000";

    /// <summary>Starts a server on a free port.</summary>
    /// <param name="appendOnly">Persist with AOF (fsync always) so a restart keeps every acknowledged write.</param>
    /// <param name="cpus">Pin the server to these cores (<c>taskset -c</c>), as the load tool does; null for no pinning.</param>
    public static async Task<RedisServer> StartAsync(bool appendOnly = false, string? cpus = null)
    {
        var server = new RedisServer(FreePort(), appendOnly, cpus);
        await server.StartProcessAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>Kills the server (as a crash would) and waits for it to exit.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            // A paused (SIGSTOP) server dies of SIGKILL all the same.
            await p.WaitForExitAsync().ConfigureAwait(false);
        }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Freezes the server (SIGSTOP): connections stay open but nothing is answered, as with a hung host or a network cut.</summary>
    public Task PauseAsync() => SignalAsync("STOP");

    /// <summary>Lets a paused server go on (SIGCONT); it then answers what it received meanwhile.</summary>
    public Task ResumeAsync() => SignalAsync("CONT");

    private async Task SignalAsync(string signal)
    {
        var process = _process ?? throw new InvalidOperationException("redis-server is not running.");
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {process.Id}") { UseShellExecute = false })
            ?? throw new InvalidOperationException("kill did not start.");
        await kill.WaitForExitAsync().ConfigureAwait(false);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {process.Id} failed with exit code {kill.ExitCode}.");
        }
    }

    /// <summary>Starts the server again on the same port (with the same data directory).</summary>
    public Task RestartAsync() => StartProcessAsync();

    private async Task StartProcessAsync()
    {
        var executable = FindRedisServer();
        var args = new List<string>
        {
            "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--save", "",
            "--dir", _directory,
            "--protected-mode", "no",
            "--daemonize", "no",
            "--loglevel", "warning",
        };
        if (_appendOnly)
        {
            args.AddRange(["--appendonly", "yes", "--appendfsync", "always"]);
        }
        else
        {
            args.AddRange(["--appendonly", "no"]);
        }
        _process = Process.Start(CpuPinning.StartInfo(executable, args, _cpus)) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Wait.UntilAsync(() => CanConnect(Port) || _process.HasExited, $"redis-server accepts connections on port {Port}").ConfigureAwait(false);
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode} at start.");
        }
    }

    /// <summary>
    /// How many times the server has run each command so far (INFO commandstats through redis-cli; the INFO calls
    /// themselves left out). Commands a Lua script runs count under their own names, the script call under eval/evalsha.
    /// </summary>
    public Task<Dictionary<string, long>> CommandStatsAsync() => CommandStatsAsync(Port);

    /// <summary>INFO commandstats of the server on <paramref name="port"/>: calls per command (INFO left out).</summary>
    internal static async Task<Dictionary<string, long>> CommandStatsAsync(int port)
    {
        var output = await RunAsync(CpuPinning.StartInfo("redis-cli", ["-p", port.ToString(CultureInfo.InvariantCulture), "INFO", "commandstats"], null)).ConfigureAwait(false);
        var stats = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n'))
        {
            // cmdstat_xadd:calls=123,usec=…
            if (line.StartsWith("cmdstat_", StringComparison.Ordinal) && !line.StartsWith("cmdstat_info:", StringComparison.Ordinal))
            {
                var name = line["cmdstat_".Length..line.IndexOf(':', StringComparison.Ordinal)];
                var calls = line[(line.IndexOf("calls=", StringComparison.Ordinal) + 6)..];
                stats[name] = long.Parse(calls[..calls.IndexOf(',', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            }
        }
        return stats;
    }

    /// <summary>Runs <c>redis-benchmark</c> against this server, pipelined 16 deep, and returns its requests per second (NaN if it printed none).</summary>
    /// <param name="cpus">Pin redis-benchmark to these cores; null for no pinning.</param>
    /// <param name="requests">How many requests (<c>-n</c>).</param>
    /// <param name="command">The command and its arguments.</param>
    public Task<double> BenchmarkAsync(string? cpus, int requests, params string[] command) => BenchmarkAsync(Port, cpus, requests, command);

    /// <summary>Runs <c>redis-benchmark</c> against a port; see the other overload.</summary>
    internal static async Task<double> BenchmarkAsync(int port, string? cpus, int requests, params string[] command)
    {
        string[] args = ["-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-P", "16", "-n", requests.ToString(CultureInfo.InvariantCulture), "--csv", .. command];
        var output = await RunAsync(CpuPinning.StartInfo("redis-benchmark", args, cpus)).ConfigureAwait(false);
        // "test","rps",… then "COMMAND …","123456.78",…
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => !l.StartsWith("\"test\"", StringComparison.Ordinal));
        var fields = last?.Split("\",\"");
        return fields is { Length: > 1 } ? double.Parse(fields[1].Trim('"'), CultureInfo.InvariantCulture) : double.NaN;
    }

    internal static async Task<string> RunAsync(ProcessStartInfo info)
    {
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{info.FileName} did not start.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var output = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        return output;
    }

    internal static string FindRedisServer()
    {
        foreach (var candidate in new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("redis-server is not installed. Run ./test.sh (which installs it) or: apt-get install -y redis-server");
    }

    internal static bool CanConnect(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A free TCP port on the loopback interface.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
