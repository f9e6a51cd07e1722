using System.Globalization;

namespace RxStreams.LoadTests.Load;

/// <summary>Progress on stderr, so a run can be followed (the report goes to files).</summary>
internal static class Log
{
    private static readonly System.Diagnostics.Stopwatch Clock = System.Diagnostics.Stopwatch.StartNew();

    public static void Info(string message) => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{Clock.Elapsed.TotalSeconds,6:0.0}s] {message}"));

    public static void Step(FanoutStep s) => Info(string.Create(CultureInfo.InvariantCulture,
        $"    rate {s.PublishRate,8:0.#}/s × {s.Subscribers} → {s.DeliveriesPerSecond,10:N0} deliveries/s ({s.DeliveredFraction:P1}), p50 {s.P50Ms:0.0} ms, p99 {s.P99Ms:0.0} ms, server {s.ServerCpuPercent:0}% CPU {s.ServerCpuUsPerDelivery:0.00} µs/{s.ServerAllocatedBytesPerDelivery:0} B per delivery, load gen {s.LoadGeneratorCpuPercent:0}% {(s.Passed ? "ok" : "FAIL")}"));
}
