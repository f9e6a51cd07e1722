using System.Runtime.InteropServices;

namespace RxStreams.LoadTests;

/// <summary>The open-file limit: 10,000 connections need 10,000 sockets in the server and as many in the load generator.</summary>
internal static partial class Limits
{
    private const int RlimitNofile = 7;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Max;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, in RLimit limit);

    /// <summary>
    /// Raises the soft limit on open files to <paramref name="wanted"/> (or to the hard limit) and returns how many
    /// descriptors this process may open. Says so when it has to raise it or cannot.
    /// </summary>
    public static int EnsureFileDescriptors(int wanted, string who)
    {
        if (!OperatingSystem.IsLinux() || GetRLimit(RlimitNofile, out var limit) != 0)
        {
            return wanted;
        }
        if (limit.Current >= (ulong)wanted)
        {
            return (int)Math.Min(limit.Current, int.MaxValue);
        }
        var target = new RLimit { Current = Math.Min((ulong)wanted, limit.Max), Max = limit.Max };
        if (SetRLimit(RlimitNofile, target) == 0)
        {
            Console.Error.WriteLine($"[{who}] open-file limit (ulimit -n) raised from {limit.Current} to {target.Current} (hard limit {limit.Max}).");
            if (target.Current < (ulong)wanted)
            {
                Console.Error.WriteLine($"[{who}] the hard limit {limit.Max} is below the {wanted} descriptors wanted: the idle workload will use fewer connections.");
            }
            return (int)target.Current;
        }
        Console.Error.WriteLine($"[{who}] open-file limit is {limit.Current} and could not be raised (errno {Marshal.GetLastPInvokeError()}).");
        return (int)limit.Current;
    }
}
