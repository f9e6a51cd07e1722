using RxStreams.Testing;

namespace RxStreams.EndToEnd.Tests;

/// <summary>
/// RxStreams as someone outside this repository gets it: <c>dotnet pack</c> of the two libraries (from a copy of the
/// sources, so the repository's own build outputs stay as they are), then <c>tests/…/PackageConsumer</c>, an app of
/// its own in a temporary directory with no Directory.Build.* above it, restored from those packages and built.
/// Once for the test class.
/// </summary>
public sealed class PackagedApp : IAsyncLifetime
{
    // A version of its own per run: NuGet caches a package by id and version, and a rebuilt 0.1.0 would not be used.
    private readonly string _version = "0.1.0-test." + Guid.NewGuid().ToString("N")[..12];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "rxstreams-packaged-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The folder the packages were written to.</summary>
    public string Packages => Path.Combine(_folder, "packages");

    /// <summary>The app's project folder: its content root when it runs (wwwroot is there), as with <c>dotnet run</c>.</summary>
    public string AppFolder => Path.Combine(_folder, "app");

    /// <summary>The built app's main assembly.</summary>
    public string AppAssembly => Path.Combine(AppFolder, "bin", "Release", "net10.0", "PackageConsumer.dll");

    /// <summary>Empty when packing and building worked; what the tools printed when not.</summary>
    public string Failure { get; private set; } = "";

    /// <summary>What <c>dotnet build</c> of the app printed.</summary>
    public string BuildOutput { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var sources = Path.Combine(_folder, "repo");
        CopySources(Repository.Root, sources);
        foreach (var library in new[] { "RxStreams", "RxStreams.AspNetCore" })
        {
            var (exitCode, output) = await ChildProcess.RunAsync("dotnet",
                ["pack", Path.Combine(sources, "src", library, library + ".csproj"), "-c", "Release", "-o", Packages, $"-p:Version={_version}", "-nologo"],
                TimeSpan.FromMinutes(8));
            if (exitCode != 0)
            {
                Failure = $"dotnet pack {library} failed:\n{output}";
                return;
            }
        }

        var app = AppFolder;
        CopyFolder(Path.Combine(Repository.Root, "tests", "RxStreams.EndToEnd.Tests", "PackageConsumer"), app);
        // The packages just made, beside whatever sources the machine already uses (the dependencies come from there,
        // or from the local cache where the repository's own restore put them).
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="rxstreams-under-test" value="{Packages}" />
              </packageSources>
            </configuration>
            """);
        var build = await ChildProcess.RunAsync("dotnet",
            ["build", Path.Combine(app, "PackageConsumer.csproj"), "-c", "Release", $"-p:RxStreamsVersion={_version}", "-nologo"],
            TimeSpan.FromMinutes(8));
        BuildOutput = build.Output;
        if (build.ExitCode != 0)
        {
            Failure = "dotnet build of the app failed:\n" + build.Output;
        }
    }

    public Task DisposeAsync()
    {
        Delete(_folder);
        // The run's packages leave NuGet's cache with it.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "rxstreams", "rxstreams.aspnetcore" })
        {
            Delete(Path.Combine(cache, id, _version));
            if (Directory.Exists(Path.Combine(cache, id)) && !Directory.EnumerateFileSystemEntries(Path.Combine(cache, id)).Any())
            {
                Delete(Path.Combine(cache, id));
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>What packing needs: the shared build files and src/, without build outputs.</summary>
    private static void CopySources(string root, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", ".editorconfig", "README.md" })
        {
            File.Copy(Path.Combine(root, file), Path.Combine(target, file));
        }
        CopyFolder(Path.Combine(root, "src"), Path.Combine(target, "src"));
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
        foreach (var folder in Directory.EnumerateDirectories(from))
        {
            var name = Path.GetFileName(folder);
            if (name is not ("bin" or "obj" or "node_modules"))
            {
                CopyFolder(folder, Path.Combine(to, name));
            }
        }
    }

    private static void Delete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
