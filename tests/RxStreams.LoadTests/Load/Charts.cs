using System.Globalization;

namespace RxStreams.LoadTests.Load;

/// <summary>
/// The report's charts, drawn from the run's JSON alone (so <c>--render</c> draws them again from an earlier run):
/// the broadcast and rooms ramps (deliveries/s and p99 against the publish rate, the three servers), memory per idle
/// connection, and the connection storm's times. Plain SVG, no packages.
/// </summary>
internal static class Charts
{
    private const string Limit = "#c81e1e";
    private const string Grid = "#e5e7eb";
    private const string Axis = "#444";

    private static readonly Dictionary<string, (string Name, string Color)> Servers = new()
    {
        ["rx"] = ("RxStreams", "#2563eb"),
        ["signalr"] = ("SignalR", "#e8710a"),
        ["raw"] = ("ceiling (raw WebSocket)", "#6b7280"),
    };

    private static readonly string[] MetricColors = ["#1e40af", "#93c5fd", "#9ca3af"];

    /// <summary>The chart files of a run (name in docs/, SVG text); a workload that did not run has none.</summary>
    public static IEnumerable<(string File, string Svg)> All(RunReport r, double latencyLimitMs)
    {
        if (r.Broadcast.Count > 0)
        {
            var n = r.Broadcast[0].Subscribers;
            yield return ("benchmarks-broadcast.svg", Ramp($"Broadcast: 1 publisher, {n:N0} subscribers, one server core", latencyLimitMs, r.Broadcast));
        }
        if (r.Rooms.Count > 0)
        {
            var x = r.Rooms[0];
            yield return ("benchmarks-rooms.svg", Ramp($"Many rooms: {x.Connections:N0} connections in {x.Rooms:N0} rooms of {x.RoomSize}, one server core", latencyLimitMs, r.Rooms));
        }
        if (r.Idle.Count > 0)
        {
            yield return ("benchmarks-memory.svg", Bars($"Server memory per idle connection ({r.Idle[0].Connections:N0} connections, one open stream each)", "KiB",
                [.. r.Idle.Select(i => Servers.GetValueOrDefault(i.Server, (i.Server, "")).Item1)],
                [("GC heap after a full collection", [.. r.Idle.Select(i => i.GcHeapBytesPerConnection / 1024)]),
                 ("working set", [.. r.Idle.Select(i => i.WorkingSetBytesPerConnection / 1024)])],
                "0.0"));
        }
        if (r.Storm.Count > 0)
        {
            yield return ("benchmarks-storm.svg", Bars($"Connection storm: {r.Storm[0].Clients:N0} clients at once, then a server restart", "s",
                [.. r.Storm.Select(s => Servers.GetValueOrDefault(s.Server, (s.Server, "")).Item1 + (s.Channel == "durable" ? " (durable, resume)" : ""))],
                [("all subscribed, from the first connect", [.. r.Storm.Select(s => s.ConnectSeconds)]),
                 ("all subscribed again, from the kill", [.. r.Storm.Select(s => s.ReconnectSeconds)]),
                 ("of which the restart (kill → listening)", [.. r.Storm.Select(s => s.RestartSeconds)])],
                "0.00"));
        }
    }

    // ---- Ramp: deliveries/s and p99 against the publish rate ----

    /// <summary>The steps that counted, one per rate: a failed step that was run again is replaced by its rerun.</summary>
    private static List<FanoutStep> Counted(List<FanoutStep> steps)
        => [.. steps.Select((s, i) => (s, i)).GroupBy(x => x.s.PublishRate).Select(g => g.OrderBy(x => x.i).Last().s).OrderBy(s => s.PublishRate)];

    private static string Ramp(string title, double limitMs, IEnumerable<IRampResult> results)
    {
        var series = results.Select(r => (r.Server, Steps: Counted(r.Steps), r.Best)).Where(s => s.Steps.Count > 0).ToList();
        const double W = 760, H = 600, L = 84, R = 24;
        var svg = new Svg(W, H, title);
        svg.Text(W / 2, 24, title, "middle", 15, bold: true);
        if (series.Count == 0)
        {
            svg.Text(W / 2, H / 2, "no steps", "middle");
            return svg.ToString();
        }
        var all = series.SelectMany(s => s.Steps).ToList();
        // Drawn the ceiling first and RxStreams last, so that where the lines coincide (everything delivered) RxStreams' shows.
        var drawOrder = series.OrderBy(s => s.Server switch { "raw" => 0, "signalr" => 1, "rx" => 2, _ => 3 }).ToList();
        var x = Scale.Log(all.Min(s => s.PublishRate) / 1.15, all.Max(s => s.PublishRate) * 1.15, L, W - R);

        // Top panel: deliveries/s, with what full delivery would be (rate × subscribers) dotted.
        var (top, topBottom) = (78.0, 300.0);
        var delivered = all.Select(s => s.DeliveriesPerSecond).Where(v => v > 0).DefaultIfEmpty(1).ToList();
        var y = Scale.Log(delivered.Min() / 1.4, delivered.Max() * 1.4, topBottom, top);
        Panel(svg, x, y, L, W - R, top, topBottom, "deliveries/s (log)");
        var perMessage = all[0].Subscribers;
        var expected = Enumerable.Range(0, 61).Select(i => x.Min * Math.Pow(x.Max / x.Min, i / 60.0))
            .Select(rate => (rate, value: rate * perMessage)).Where(p => p.value >= y.Min && p.value <= y.Max).Select(p => (x.Map(p.rate), y.Map(p.value))).ToList();
        if (expected.Count > 1)
        {
            svg.Polyline(expected, "#9ca3af", 1);
            var (ex, ey) = expected[^1];
            svg.Text(ex - 4, ey - 6, $"all delivered ({perMessage:N0} per message)", "end", 10, "#6b7280");
        }
        Lines(y, s => s.DeliveriesPerSecond, ringBest: true);

        // Bottom panel: p99 (log), with the limit.
        var (bottom, bottomBottom) = (350.0, 530.0);
        var p99s = all.Select(s => s.P99Ms).Where(v => v > 0 && !double.IsNaN(v)).DefaultIfEmpty(1).ToList();
        var yl = Scale.Log(Math.Min(p99s.Min(), limitMs) / 1.5, Math.Max(p99s.Max(), limitMs) * 1.5, bottomBottom, bottom);
        Panel(svg, x, yl, L, W - R, bottom, bottomBottom, "p99 latency, ms (log)");
        svg.Line(L, yl.Map(limitMs), W - R, yl.Map(limitMs), Limit, 1.2, "6 4");
        svg.Text(W - R - 4, yl.Map(limitMs) - 5, $"limit {limitMs:0} ms", "end", 10, Limit);
        Lines(yl, s => s.P99Ms, ringBest: false);
        svg.Text((L + W - R) / 2, H - 30, "publish rate, messages/s (log scale)", "middle", 12);
        svg.Text((L + W - R) / 2, H - 12, "filled: step passed (p99 ≤ limit, ≥ 99% delivered); hollow: failed; ring: the best passing step", "middle", 10, "#6b7280");

        // Legend, top left of the upper panel.
        var ly = top + 6;
        foreach (var s in series)
        {
            svg.Rect(L + 12, ly, 22, 4, Color(s.Server));
            svg.Text(L + 40, ly + 6, Servers.GetValueOrDefault(s.Server, (s.Server, "")).Item1, size: 12);
            ly += 18;
        }
        return svg.ToString();

        // Each server's steps with a positive value as a line through dots (filled: passed), optionally a ring on its best step.
        void Lines(Scale y, Func<FanoutStep, double> value, bool ringBest)
        {
            foreach (var s in drawOrder)
            {
                var color = Color(s.Server);
                var points = s.Steps.Where(p => value(p) > 0).ToList();
                svg.Polyline(points.Select(p => (x.Map(p.PublishRate), y.Map(value(p)))), color);
                foreach (var p in points)
                {
                    svg.Circle(x.Map(p.PublishRate), y.Map(value(p)), 3.5, color, p.Passed);
                }
                if (ringBest && s.Best is { } best)
                {
                    svg.Circle(x.Map(best.PublishRate), y.Map(value(best)), 7, color, false);
                }
            }
        }
    }

    private static void Panel(Svg svg, Scale x, Scale y, double left, double right, double top, double bottom, string label)
    {
        foreach (var t in y.Ticks())
        {
            svg.Line(left, y.Map(t), right, y.Map(t), Grid);
            svg.Text(left - 6, y.Map(t) + 4, Short(t), "end", 11);
        }
        foreach (var t in x.Ticks())
        {
            svg.Line(x.Map(t), top, x.Map(t), bottom, Grid);
            svg.Text(x.Map(t), bottom + 16, Short(t), "middle", 11);
        }
        svg.Line(left, bottom, right, bottom, Axis);
        svg.Line(left, top, left, bottom, Axis);
        svg.Text(left, top - 10, label, "start", 12, bold: true);
    }

    // ---- Horizontal grouped bars ----

    private static string Bars(string title, string unit, string[] categories, (string Name, double[] Values)[] series, string format)
    {
        const double W = 760, L = 200, R = 60, BarHeight = 18, Gap = 4, GroupGap = 18;
        var top = 56 + (series.Length * 17);
        var groupHeight = (series.Length * (BarHeight + Gap)) - Gap;
        var height = top + (categories.Length * (groupHeight + GroupGap)) + 40;
        var svg = new Svg(W, height, title);
        svg.Text(W / 2, 24, title, "middle", 15, bold: true);
        var max = series.SelectMany(s => s.Values).Where(v => !double.IsNaN(v)).DefaultIfEmpty(1).Max();
        var x = Scale.Linear(0, Math.Max(max, 1e-9) * 1.1, L, W - R);
        var bottom = height - 40;
        foreach (var t in x.Ticks())
        {
            svg.Line(x.Map(t), top - 6, x.Map(t), bottom, Grid);
            svg.Text(x.Map(t), bottom + 16, Short(t), "middle", 11);
        }
        svg.Text(W - R, bottom + 32, unit, "end", 11);
        for (var s = 0; s < series.Length; s++)
        {
            svg.Rect(L, 38 + (s * 17), 14, 10, MetricColors[s % MetricColors.Length]);
            svg.Text(L + 20, 47 + (s * 17), series[s].Name + $" ({unit})", size: 12);
        }
        for (var c = 0; c < categories.Length; c++)
        {
            var gy = top + (c * (groupHeight + GroupGap));
            svg.Text(L - 10, gy + (groupHeight / 2) + 4, categories[c], "end", 12);
            for (var s = 0; s < series.Length; s++)
            {
                var value = series[s].Values[c];
                var by = gy + (s * (BarHeight + Gap));
                if (double.IsNaN(value))
                {
                    svg.Text(L + 4, by + 13, "–", size: 11);
                    continue;
                }
                svg.Rect(L, by, x.Map(value) - L, BarHeight, MetricColors[s % MetricColors.Length]);
                svg.Text(x.Map(value) + 4, by + 13, value.ToString(format, CultureInfo.InvariantCulture), size: 11);
            }
        }
        svg.Line(L, top - 6, L, bottom, Axis);
        svg.Line(L, bottom, W - R, bottom, Axis);
        return svg.ToString();
    }

    private static string Color(string server) => Servers.GetValueOrDefault(server, (server, "#111")).Item2;

    /// <summary>Tick labels: 1,500 → 1.5k, 2,000,000 → 2M, 0.5 → 0.5.</summary>
    private static string Short(double v)
    {
        static string F(double x) => x.ToString("0.##", CultureInfo.InvariantCulture);
        return Math.Abs(v) switch
        {
            >= 1e6 => F(v / 1e6) + "M",
            >= 1e3 => F(v / 1e3) + "k",
            _ => F(v),
        };
    }

    /// <summary>An axis: a linear or logarithmic map from values to pixels, and its ticks.</summary>
    private sealed class Scale
    {
        private readonly bool _log;
        private readonly double _from;
        private readonly double _to;

        private Scale(bool log, double min, double max, double from, double to)
        {
            _log = log;
            Min = min;
            Max = max;
            _from = from;
            _to = to;
        }

        public double Min { get; }

        public double Max { get; }

        public static Scale Linear(double min, double max, double from, double to) => new(false, min, max, from, to);

        public static Scale Log(double min, double max, double from, double to) => new(true, Math.Max(min, 1e-6), Math.Max(max, min * 10), from, to);

        public double Map(double v)
        {
            var f = _log ? Math.Log(Math.Max(v, Min) / Min) / Math.Log(Max / Min) : (v - Min) / (Max - Min);
            return _from + (f * (_to - _from));
        }

        public IEnumerable<double> Ticks()
        {
            if (_log)
            {
                double[] steps = Max / Min > 20 ? [1, 2, 5] : [1, 1.5, 2, 3, 5, 7];
                for (var decade = Math.Pow(10, Math.Floor(Math.Log10(Min))); decade <= Max; decade *= 10)
                {
                    foreach (var s in steps)
                    {
                        var t = s * decade;
                        if (t >= Min && t <= Max)
                        {
                            yield return t;
                        }
                    }
                }
                yield break;
            }
            var raw = (Max - Min) / 5;
            var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
            var step = new[] { 1, 2, 2.5, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
            for (var t = Math.Ceiling(Min / step) * step; t <= Max + (step * 1e-9); t += step)
            {
                yield return t;
            }
        }
    }
}
