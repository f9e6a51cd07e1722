using System.Diagnostics;

namespace RxStreams.Testing;

/// <summary>
/// Starting processes on given cores with <c>taskset -c</c>: the load tool pins the servers to one core and itself to
/// the other, so the two do not fight for a 2-core machine's cores and the figures compare.
/// </summary>
public static class CpuPinning
{
    /// <summary>True where pinning works: at least two cores and <c>taskset</c> installed.</summary>
    public static bool Available => Environment.ProcessorCount >= 2 && File.Exists("/usr/bin/taskset");

    /// <summary>
    /// A start of <paramref name="file"/> with <paramref name="arguments"/> on <paramref name="cpus"/> (a taskset CPU
    /// list such as <c>"0"</c> or <c>"0,1"</c>), or unpinned when it is null; output is redirected, no shell.
    /// </summary>
    public static ProcessStartInfo StartInfo(string file, IEnumerable<string> arguments, string? cpus)
    {
        var info = new ProcessStartInfo(cpus is null ? file : "taskset") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (cpus is not null)
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(cpus);
            info.ArgumentList.Add(file);
        }
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        return info;
    }
}
