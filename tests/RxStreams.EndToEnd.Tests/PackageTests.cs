using System.Diagnostics;
using System.IO.Compression;
using RxStreams.Testing;
using static Microsoft.Playwright.Assertions;

namespace RxStreams.EndToEnd.Tests;

/// <summary>The packed libraries work from an app outside the repository, in a real browser.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class PackageTests(EndToEndFixture fixture, PackagedApp packaged) : IClassFixture<PackagedApp>
{
    [Fact]
    public void The_packages_carry_the_generator_and_the_documentation()
    {
        Assert.True(packaged.Failure.Length == 0, packaged.Failure);
        var core = Entries("RxStreams.");
        Assert.Contains("analyzers/dotnet/cs/RxStreams.Generators.dll", core);
        Assert.Contains("lib/net10.0/RxStreams.dll", core);
        Assert.Contains("lib/net10.0/RxStreams.xml", core);
        Assert.Contains("README.md", core);
        var host = Entries("RxStreams.AspNetCore.");
        Assert.Contains("lib/net10.0/RxStreams.AspNetCore.dll", host);
        Assert.Contains("lib/net10.0/RxStreams.AspNetCore.xml", host);
    }

    [Fact]
    public async Task An_app_built_from_the_packages_serves_its_handlers_and_the_browser_client()
    {
        Assert.True(packaged.Failure.Length == 0, packaged.Failure);
        var port = RedisServer.FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = packaged.AppFolder };
        foreach (var argument in new[] { packaged.AppAssembly, "--urls", $"http://127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var url = $"http://127.0.0.1:{port}/";
            await Wait.UntilAsync(async () =>
            {
                Assert.False(process.HasExited, $"the app exited with code {(process.HasExited ? process.ExitCode : 0)}");
                try
                {
                    return (await http.GetAsync(new Uri(url))).IsSuccessStatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }, "the app serves its page", TimeSpan.FromSeconds(60));

            await using var context = await fixture.Browser.NewContextAsync();
            var page = await context.NewPageAsync();
            await page.GotoAsync(url);
            // The duplex handler (the README's first example) echoes through the channel, with the server's changes,
            // and the request/response handler answers: the generator ran in the app's own build.
            await Expect(page.Locator("#messages li")).ToHaveTextAsync(["anonymous: hello from the packages"]);
            await Expect(page.Locator("#sum")).ToHaveTextAsync("1 + 2 = 3");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private HashSet<string> Entries(string prefix)
    {
        var file = Directory.EnumerateFiles(packaged.Packages, prefix + "*.nupkg")
            .Single(f => char.IsDigit(Path.GetFileName(f)[prefix.Length]));
        using var zip = ZipFile.OpenRead(file);
        return zip.Entries.Select(e => e.FullName).ToHashSet();
    }
}
