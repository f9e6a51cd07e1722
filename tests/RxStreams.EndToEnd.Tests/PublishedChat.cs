using System.Diagnostics;
using System.Text;
using RxStreams.Testing;

namespace RxStreams.EndToEnd.Tests;

/// <summary>
/// The chat published as issue 3 asks: <c>dotnet publish examples/Chat -c Release -r linux-x64 --self-contained
/// -p:PublishTrimmed=true</c>, into a temporary folder, once for the test class.
/// </summary>
public sealed class PublishedChat : IAsyncLifetime
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "rxstreams-chat-trimmed-" + Guid.NewGuid().ToString("N")[..8]);

    public string Executable => Path.Combine(Folder, "Chat");

    public string PublishOutput { get; private set; } = "";

    public int ExitCode { get; private set; }

    public async Task InitializeAsync()
    {
        var project = Path.Combine(Repository.Root, "examples", "Chat", "Chat.csproj");
        var (exitCode, output) = await RunAsync("dotnet", ["publish", project, "-c", "Release", "-r", "linux-x64", "--self-contained", "-p:PublishTrimmed=true", "-o", Folder, "-nologo"], TimeSpan.FromMinutes(8));
        ExitCode = exitCode;
        PublishOutput = output;
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
        return Task.CompletedTask;
    }

    /// <summary>Runs a process to its end; returns its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}.");
        }
        output.Append(await stdout).Append(await stderr);
        return (process.ExitCode, output.ToString());
    }

}
