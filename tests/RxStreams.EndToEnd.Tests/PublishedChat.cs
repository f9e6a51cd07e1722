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
        var (exitCode, output) = await ChildProcess.RunAsync("dotnet", ["publish", project, "-c", "Release", "-r", "linux-x64", "--self-contained", "-p:PublishTrimmed=true", "-o", Folder, "-nologo"], TimeSpan.FromMinutes(8));
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
}
