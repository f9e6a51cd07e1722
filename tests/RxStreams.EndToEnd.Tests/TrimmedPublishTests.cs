using System.Diagnostics;
using System.Text.RegularExpressions;
using RxStreams.Testing;
using static Microsoft.Playwright.Assertions;

namespace RxStreams.EndToEnd.Tests;

/// <summary>The trimmed, self-contained chat (issue 3) runs, says where it listens, and serves the chat.</summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class TrimmedPublishTests(EndToEndFixture fixture, PublishedChat published) : IClassFixture<PublishedChat>
{
    [Fact]
    public async Task The_trimmed_app_prints_its_url_and_serves_the_chat()
    {
        Assert.True(published.ExitCode == 0, "dotnet publish failed:\n" + published.PublishOutput);
        Assert.DoesNotMatch(@"warning IL\d{4}", published.PublishOutput);

        var start = new ProcessStartInfo(published.Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{RedisServer.FreePort()}");
        using var process = Process.Start(start)!;
        try
        {
            var announced = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            process.OutputDataReceived += (_, line) =>
            {
                if (line.Data is { } text && RunningLine().Match(text) is { Success: true } match)
                {
                    announced.TrySetResult(match.Groups[1].Value);
                }
            };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var url = await Wait.ForAsync(announced.Task, "the app to print the URL it listens on");

            await using var alice = await ChatPage.SignInAsync(fixture.Browser, url, "Alice");
            await using var bob = await ChatPage.SignInAsync(fixture.Browser, url, "Bob");
            await alice.SendAsync("trimmed and fine :sparkles:");
            await Expect(bob.Message("trimmed and fine ✨")).ToHaveCountAsync(1);
            await Expect(alice.Person("Bob")).ToBeVisibleAsync();
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Without_redis_the_app_says_so_and_exits()
    {
        Assert.True(published.ExitCode == 0, "dotnet publish failed:\n" + published.PublishOutput);
        var port = RedisServer.FreePort(); // nothing listens there
        var (exitCode, output) = await ChildProcess.RunAsync(published.Executable, ["--redis", $"127.0.0.1:{port}", "--urls", $"http://127.0.0.1:{RedisServer.FreePort()}"], TimeSpan.FromSeconds(60));
        Assert.Equal(1, exitCode);
        Assert.Contains($"Cannot reach Redis at '127.0.0.1:{port}'", output, StringComparison.Ordinal);
        Assert.Contains("run without --redis", output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"RxStreams chat is running: open (http://\S+) ")]
    private static partial Regex RunningLine();
}
