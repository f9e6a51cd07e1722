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
        await using var app = await ServerProcess.StartAppAsync(packaged.AppAssembly, packaged.AppFolder);
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(app.BaseAddress.ToString());
        // The duplex handler (the README's first example) echoes through the channel, with the server's changes,
        // and the request/response handler answers: the generator ran in the app's own build.
        await Expect(page.Locator("#messages li")).ToHaveTextAsync(["anonymous: hello from the packages"]);
        await Expect(page.Locator("#sum")).ToHaveTextAsync("1 + 2 = 3");
    }

    private HashSet<string> Entries(string prefix)
    {
        var file = Directory.EnumerateFiles(packaged.Packages, prefix + "*.nupkg")
            .Single(f => char.IsDigit(Path.GetFileName(f)[prefix.Length]));
        using var zip = ZipFile.OpenRead(file);
        return zip.Entries.Select(e => e.FullName).ToHashSet();
    }
}
