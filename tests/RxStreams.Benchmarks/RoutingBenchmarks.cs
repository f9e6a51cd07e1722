using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using RxStreams.Benchmarks.Handlers;
using RxStreams.Routing;

namespace RxStreams.Benchmarks;

/// <summary>
/// The generated router of this project (24 routes) matching routes, and matching plus dispatching (creating the
/// invocation and the handler and calling the method, as a host does on OPEN; the result is not subscribed).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class RoutingBenchmarks
{
    private StreamRouter _router = null!;
    private ServiceProvider _services = null!;
    private StreamContext _context = null!;

    [Params("chat/lobby", "users/42/friends/3", "orders/0f8fad5b-d9cb-469f-a165-70867728950e/lines/7", "feeds/news/from/1700000000000", "users/alice", "admin/nope")]
    public string Route { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _router = StreamRoutes.Routers.Single(r => r.GetType().Assembly == typeof(RoutingBenchmarks).Assembly);
        _services = new ServiceCollection().AddSingleton<IClock, FixedClock>().BuildServiceProvider();
        _context = new StreamContext { Route = Route, Services = _services };
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark]
    public RouteMatchStatus Match()
    {
        var values = default(RouteValues);
        return _router.Match(Route, ref values, out _);
    }

    [Benchmark]
    public StreamHandlerResult? MatchAndDispatch()
    {
        var values = default(RouteValues);
        return _router.Match(Route, ref values, out var endpoint) == RouteMatchStatus.Matched
            ? endpoint!.Invoke(new StreamInvocation(_context, values))
            : null;
    }
}
