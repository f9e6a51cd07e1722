using System.Runtime.CompilerServices;
using System.Text;
using Xunit;

namespace RxStreams.Testing;

/// <summary>
/// Snapshot testing without Verify: the expected text is a file checked in next to the test, in a <c>Snapshots</c>
/// folder (<c>Snapshots/Name.verified.cs</c>). A mismatch writes <c>Name.received.cs</c> beside it and fails with a
/// diff hint; running with <c>RXSTREAMS_ACCEPT_SNAPSHOTS=1</c> overwrites the baseline instead. Line endings are
/// normalized to <c>\n</c> so baselines are the same on every machine.
/// </summary>
public static class Snapshot
{
    /// <summary>The environment variable that accepts the received text as the new baseline (value <c>1</c>).</summary>
    public const string AcceptVariable = "RXSTREAMS_ACCEPT_SNAPSHOTS";

    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Fails unless <paramref name="actual"/> equals the baseline <c>Snapshots/<paramref name="name"/>.verified<paramref name="extension"/></c>.</summary>
    /// <param name="actual">The text produced by the test.</param>
    /// <param name="name">The snapshot's name, unique within the folder (letters, digits, '.', '-', '_').</param>
    /// <param name="extension">The file extension, with its dot.</param>
    /// <param name="sourceFile">The calling test's file (supplied by the compiler): the Snapshots folder is next to it.</param>
    public static void Match(string actual, string name, string extension = ".cs", [CallerFilePath] string sourceFile = "")
        => Match(actual, name, extension, Environment.GetEnvironmentVariable(AcceptVariable) == "1", sourceFile);

    /// <summary>
    /// As <see cref="Match(string, string, string, string)"/>, with the decision to accept the text as the new baseline
    /// made by the caller rather than by <see cref="AcceptVariable"/> (the snapshot helper's own tests).
    /// </summary>
    /// <param name="actual">The text produced by the test.</param>
    /// <param name="name">The snapshot's name, unique within the folder.</param>
    /// <param name="extension">The file extension, with its dot.</param>
    /// <param name="accept">Write <paramref name="actual"/> as the baseline instead of comparing.</param>
    /// <param name="sourceFile">The test file the Snapshots folder is next to.</param>
    public static void Match(string actual, string name, string extension, bool accept, string sourceFile)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var directory = Path.Combine(SourceDirectory(sourceFile), "Snapshots");
        var verified = Path.Combine(directory, name + ".verified" + extension);
        var received = Path.Combine(directory, name + ".received" + extension);
        var text = Normalize(actual);

        if (accept)
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verified, text, s_utf8);
            File.Delete(received);
            return;
        }

        if (!File.Exists(verified))
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(received, text, s_utf8);
            Assert.Fail($"There is no snapshot '{verified}' yet. The text was written to '{received}'; review it, then rename it or run the tests with {AcceptVariable}=1.");
        }

        var expected = Normalize(File.ReadAllText(verified));
        if (expected == text)
        {
            File.Delete(received);
            return;
        }

        File.WriteAllText(received, text, s_utf8);
        Assert.Fail(
            $"The text differs from the snapshot '{verified}'. {FirstDifference(expected, text)}{Environment.NewLine}" +
            $"Received text: '{received}'. Compare with: diff -u \"{verified}\" \"{received}\"{Environment.NewLine}" +
            $"If the change is intended, accept it: {AcceptVariable}=1 dotnet test …");
    }

    /// <summary>The folder holding the snapshots of the calling test file.</summary>
    public static string Folder([CallerFilePath] string sourceFile = "") => Path.Combine(SourceDirectory(sourceFile), "Snapshots");

    /// <summary>The text with <c>\n</c> line endings, no byte order mark and exactly one final line break.</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').TrimEnd('\n') + "\n";
    }

    private static string FirstDifference(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var x = i < a.Length ? a[i] : "<end of file>";
            var y = i < b.Length ? b[i] : "<end of file>";
            if (x != y)
            {
                return $"First difference at line {i + 1}:{Environment.NewLine}  expected: {x}{Environment.NewLine}  received: {y}";
            }
        }
        return "";
    }

    /// <summary>
    /// The directory of the test source file. When the build mapped source paths (deterministic CI builds turn
    /// '/home/…/repo/' into '/_/'), the repository is found again from the test binaries' location.
    /// </summary>
    private static string SourceDirectory(string sourceFile)
    {
        var directory = Path.GetDirectoryName(sourceFile) ?? "";
        if (Directory.Exists(directory))
        {
            return directory;
        }
        var relative = sourceFile.Replace('\\', '/');
        if (relative.StartsWith("/_/", StringComparison.Ordinal))
        {
            relative = relative[3..];
        }
        return Path.GetDirectoryName(Path.Combine(Repository.Root, relative))!;
    }
}
