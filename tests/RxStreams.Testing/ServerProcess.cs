using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace RxStreams.Testing;

/// <summary>
/// A server node (tests/RxStreams.TestServer), or any other ASP.NET Core app, running as a child process, so a test
/// can kill it for real (SIGKILL: no cleanup of any kind) or stop it gracefully (SIGTERM: ASP.NET Core's shutdown).
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, string name, int port)
    {
        _process = process;
        Name = name;
        Port = port;
    }

    /// <summary>The node's name.</summary>
    public string Name { get; }

    /// <summary>The node's port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The app's address, <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>The node's RxStreams endpoint.</summary>
    public Uri Endpoint => new($"ws://127.0.0.1:{Port}/rx");

    /// <summary>True once the process exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>What the process wrote so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts a node and waits until it serves.</summary>
    /// <param name="name">The node's name (it reports it on the "node" route and in its work records).</param>
    /// <param name="arguments">More arguments: <c>--redis</c>, <c>--prefix</c>, <c>--lease</c>, <c>--consume</c>, <c>--crash-after</c>.</param>
    public static Task<ServerProcess> StartAsync(string name, params string[] arguments)
        => StartAsync(FindServer(), name, $"node {name}", "/health", null, ["--node", name, .. arguments]);

    /// <summary>
    /// Starts any ASP.NET Core app (its built main assembly, run with <c>dotnet</c>) on a free port of 127.0.0.1, with
    /// <paramref name="workingDirectory"/> as its content root, and waits until <paramref name="readyPath"/> answers.
    /// </summary>
    public static Task<ServerProcess> StartAppAsync(string assembly, string workingDirectory, string readyPath = "/")
        => StartAsync(assembly, Path.GetFileNameWithoutExtension(assembly), Path.GetFileName(assembly), readyPath, workingDirectory, []);

    private static async Task<ServerProcess> StartAsync(string assembly, string name, string description, string readyPath, string? workingDirectory, string[] arguments)
    {
        var port = RedisServer.FreePort();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }
        info.ArgumentList.Add(assembly);
        foreach (var a in new[] { "--urls", $"http://127.0.0.1:{port}" }.Concat(arguments))
        {
            info.ArgumentList.Add(a);
        }
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{description} did not start.");
        var server = new ServerProcess(process, name, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Wait.UntilAsync(async () =>
        {
            if (process.HasExited)
            {
                return true;
            }
            try
            {
                return (await http.GetAsync(new Uri($"http://127.0.0.1:{port}{readyPath}")).ConfigureAwait(false)).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
            catch (TaskCanceledException)
            {
                return false;
            }
        }, $"{description} serves on port {port}", TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        if (process.HasExited)
        {
            throw new InvalidOperationException($"{description} exited at start (code {process.ExitCode}):\n{server.Output}");
        }
        return server;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    /// <summary>Kills the node as a crash would (SIGKILL).</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>Stops the node gracefully (SIGTERM) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, 15);
        }
        await Wait.ForAsync(_process.WaitForExitAsync(), $"node {Name} stopped", TimeSpan.FromSeconds(30)).ConfigureAwait(false);
    }

    /// <summary>Completes when the process exits (for a node told to crash itself).</summary>
    public Task Exited => _process.WaitForExitAsync();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private static string FindServer()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var path = Path.Combine(Repository.Root, "tests", "RxStreams.TestServer", "bin", configuration, "net10.0", "RxStreams.TestServer.dll");
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: build tests/RxStreams.TestServer ({configuration}).");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        _process.Dispose();
    }
}
