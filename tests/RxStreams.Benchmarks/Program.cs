using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/RxStreams.Benchmarks -- --filter '*' --job short [--inProcess]
BenchmarkSwitcher.FromAssembly(typeof(RxStreams.Benchmarks.RoutingBenchmarks).Assembly).Run(args);
