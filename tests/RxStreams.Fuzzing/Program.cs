using System.Globalization;
using RxStreams.Fuzzing.Run;

// The long mode of the protocol fuzzer (docs/protocol.md, "Fuzzing the protocol"):
//   dotnet run -c Release --project tests/RxStreams.Fuzzing -- --iterations 1000000 [--seed N] [--workers N]
//   dotnet run -c Release --project tests/RxStreams.Fuzzing -- --seed N --only INDEX     (replay one reported sequence)
// Exit code 0: no new finding (known ones, pending fixes, are listed but do not fail); 1: new findings; 2: bad arguments.

var options = new FuzzOptions { Iterations = 1_000_000, Log = line => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}") };
for (var i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    try
    {
        options = args[i] switch
        {
            "--iterations" => options with { Iterations = long.Parse(Value(), CultureInfo.InvariantCulture) },
            "--seed" => options with { Seed = int.Parse(Value(), CultureInfo.InvariantCulture) },
            "--workers" => options with { Workers = int.Parse(Value(), CultureInfo.InvariantCulture) },
            "--scenario-every" => options with { ScenarioEvery = int.Parse(Value(), CultureInfo.InvariantCulture) },
            "--only" => options with { Only = long.Parse(Value(), CultureInfo.InvariantCulture) },
            _ => throw new ArgumentException($"unknown option {args[i]}"),
        };
    }
    catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        Console.Error.WriteLine("usage: RxStreams.Fuzzing [--iterations N] [--seed N] [--workers N] [--scenario-every N (0: none)] [--only INDEX]");
        return 2;
    }
}
options.Log($"fuzzing {(options.Only is { } only ? $"sequence #{only}" : $"{options.Iterations:N0} sequences")} with seed {options.Seed}, {options.Workers} connections in parallel");
var report = await Fuzzer.RunAsync(options);
Console.WriteLine(report);
return report.NewFindings.Any() ? 1 : 0;
