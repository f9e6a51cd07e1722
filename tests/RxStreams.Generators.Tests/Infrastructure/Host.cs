using System.Buffers;
using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using RxStreams.Generators.Tests.Handlers;
using RxStreams.Routing;
using RxStreams.Testing;

namespace RxStreams.Generators.Tests.Infrastructure;

/// <summary>
/// What an RxStreams host does with an opened stream, minus the socket: match the route with the generated router,
/// build the StreamContext and StreamInvocation over a real DI container, invoke the endpoint.
/// </summary>
internal sealed class Host : IDisposable
{
    private readonly ServiceProvider _root;
    private readonly IServiceScope _scope;
    private readonly CancellationTokenSource _aborted = new();

    public Host(Action<IServiceCollection>? configure = null, bool withGreeter = true)
    {
        var services = new ServiceCollection();
        services.AddSingleton<Probe>();
        if (withGreeter)
        {
            services.AddSingleton<IGreeter, Greeter>();
        }
        configure?.Invoke(services);
        _root = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        _scope = _root.CreateScope();
    }

    public Probe Probe => _scope.ServiceProvider.GetRequiredService<Probe>();

    public IServiceProvider Services => _scope.ServiceProvider;

    public CancellationToken Aborted => _aborted.Token;

    public StreamContext? LastContext { get; private set; }

    public StreamInvocation Open(string route, string? requestJson = null, StreamInput? input = null)
    {
        var values = default(RouteValues);
        var status = RxStreams.Generated.RxStreams_Generators_Tests.Router.Instance.Match(route, ref values, out var endpoint);
        Assert.Equal(RouteMatchStatus.Matched, status);
        LastContext = new StreamContext
        {
            Route = route,
            Services = _scope.ServiceProvider,
            Aborted = _aborted.Token,
            User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice")], "test")),
            ConnectionId = "connection-1",
            StreamId = 7,
        };
        Endpoint = endpoint!;
        return new StreamInvocation(
            LastContext,
            values,
            requestJson is null ? null : new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(requestJson)),
            input);
    }

    public StreamEndpoint Endpoint { get; private set; } = null!;

    /// <summary>Opens the route, invokes its endpoint and subscribes a sink to the result.</summary>
    public (CollectingSink Sink, IDisposable Subscription) Run(string route, string? requestJson = null, StreamInput? input = null)
    {
        var invocation = Open(route, requestJson, input);
        var sink = new CollectingSink();
        var subscription = Endpoint.Invoke(invocation).Subscribe(sink);
        return (sink, subscription);
    }

    /// <summary>Runs the route (see <see cref="Run"/>), waits until its result completed or failed, then ends the subscription.</summary>
    public async Task<CollectingSink> RunToEndAsync(string route, string? requestJson = null)
    {
        var (sink, subscription) = Run(route, requestJson);
        using (subscription)
        {
            await Wait.ForAsync(sink.Ended, $"the stream '{route}' to end");
        }
        return sink;
    }

    public void Dispose()
    {
        _aborted.Dispose();
        _scope.Dispose();
        _root.Dispose();
    }
}
