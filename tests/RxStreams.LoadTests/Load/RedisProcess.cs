using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace RxStreams.LoadTests.Load;

/// <summary>The run's own redis-server on a free loopback port (no persistence), pinned with the servers, stopped by pid.</summary>
internal sealed class RedisProcess : IAsyncDisposable
{
    private readonly Process _process;

    private RedisProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=5000,syncTimeout=10000";

    public static async Task<RedisProcess> StartAsync(string? cpus)
    {
        var port = FreePort();
        var info = new ProcessStartInfo(cpus is null ? "redis-server" : "taskset") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (cpus is not null)
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(cpus);
            info.ArgumentList.Add("redis-server");
        }
        foreach (var a in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no", "--loglevel", "warning" })
        {
            info.ArgumentList.Add(a);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start (apt-get install -y redis-server)");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (!CanConnect(port))
        {
            if (process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new InvalidOperationException($"redis-server did not listen on port {port}");
            }
            await Task.Delay(50);
        }
        return new RedisProcess(process, port);
    }

    /// <summary>
    /// How many times the server has run each command so far (INFO commandstats, the INFO calls themselves left out).
    /// Commands a Lua script runs count under their own names, the script call under evalsha.
    /// </summary>
    public async Task<Dictionary<string, long>> CommandStatsAsync()
    {
        var info = new ProcessStartInfo("redis-cli") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var a in new[] { "-p", Port.ToString(CultureInfo.InvariantCulture), "INFO", "commandstats" })
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException("redis-cli did not start");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
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

    /// <summary>Runs redis-benchmark (pinned with the load generator) and returns its requests per second.</summary>
    public async Task<double> BenchmarkAsync(string? cpus, int requests, params string[] command)
    {
        var info = new ProcessStartInfo(cpus is null ? "redis-benchmark" : "taskset") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (cpus is not null)
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(cpus);
            info.ArgumentList.Add("redis-benchmark");
        }
        foreach (var a in new[] { "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-P", "16", "-n", requests.ToString(CultureInfo.InvariantCulture), "--csv" }.Concat(command))
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException("redis-benchmark did not start");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        // "test","rps",… then "COMMAND …","123456.78",…
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => !l.StartsWith("\"test\"", StringComparison.Ordinal));
        var fields = last?.Split("\",\"");
        return fields is { Length: > 1 } ? double.Parse(fields[1].Trim('"'), CultureInfo.InvariantCulture) : double.NaN;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool CanConnect(int port)
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

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
