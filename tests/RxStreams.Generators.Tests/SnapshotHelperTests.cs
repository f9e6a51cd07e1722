using RxStreams.Testing;
using Xunit.Sdk;

namespace RxStreams.Generators.Tests;

/// <summary>
/// Snapshot.Match itself, on a temporary folder (an explicit source file path stands in for the caller's). The accept
/// decision is passed explicitly: setting the variable in-process would reach the snapshot tests running in parallel,
/// and these tests must mean the same whether or not the run accepts snapshots.
/// </summary>
public sealed class SnapshotHelperTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "rxstreams-snapshots-" + Guid.NewGuid().ToString("N"));

    private string SourceFile => Path.Combine(_directory, "FakeTests.cs");

    private string Verified => Path.Combine(_directory, "Snapshots", "Name.verified.txt");

    private string Received => Path.Combine(_directory, "Snapshots", "Name.received.txt");

    public SnapshotHelperTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public void A_missing_baseline_fails_and_writes_the_received_text()
    {
        var error = Assert.ThrowsAny<XunitException>(() => Snapshot.Match("text", "Name", ".txt", accept: false, SourceFile));
        Assert.Contains("There is no snapshot", error.Message, StringComparison.Ordinal);
        Assert.Equal("text\n", File.ReadAllText(Received));
    }

    [Fact]
    public void A_baseline_that_differs_only_in_line_endings_matches_and_the_received_file_goes()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Verified)!);
        File.WriteAllText(Verified, "\uFEFFline 1\r\nline 2\r\n\r\n");
        File.WriteAllText(Received, "stale");
        Snapshot.Match("line 1\nline 2", "Name", ".txt", accept: false, SourceFile);
        Assert.False(File.Exists(Received));
    }

    [Fact]
    public void A_mismatch_fails_with_the_first_difference_and_a_diff_hint()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Verified)!);
        File.WriteAllText(Verified, "same\nold\n");
        var error = Assert.ThrowsAny<XunitException>(() => Snapshot.Match("same\nnew\n", "Name", ".txt", accept: false, SourceFile));
        Assert.Contains("First difference at line 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected: old", error.Message, StringComparison.Ordinal);
        Assert.Contains("received: new", error.Message, StringComparison.Ordinal);
        Assert.Contains("diff -u", error.Message, StringComparison.Ordinal);
        Assert.Contains(Snapshot.AcceptVariable + "=1", error.Message, StringComparison.Ordinal);
        Assert.Equal("same\nnew\n", File.ReadAllText(Received));
        Assert.Equal("same\nold\n", File.ReadAllText(Verified));
    }

    [Fact]
    public void Accepting_writes_the_text_as_the_baseline_and_removes_the_received_file()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Verified)!);
        File.WriteAllText(Verified, "old\n");
        File.WriteAllText(Received, "stale");
        Snapshot.Match("new\r\n", "Name", ".txt", accept: true, SourceFile);
        Assert.Equal("new\n", File.ReadAllText(Verified));
        Assert.False(File.Exists(Received));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
