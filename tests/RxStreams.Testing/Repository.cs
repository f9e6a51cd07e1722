namespace RxStreams.Testing;

/// <summary>The checkout the tests (and the tools under tests/) run from.</summary>
public static class Repository
{
    /// <summary>The repository's root: the first directory holding RxStreams.sln above the running assembly.</summary>
    /// <exception cref="InvalidOperationException">No RxStreams.sln above the running assembly.</exception>
    public static string Root => TryFindRoot() ?? throw new InvalidOperationException($"RxStreams.sln not found above {AppContext.BaseDirectory}.");

    /// <summary>The repository's root, or null when the running assembly is not below one.</summary>
    public static string? TryFindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RxStreams.sln")))
            {
                return dir.FullName;
            }
        }
        return null;
    }
}
