using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace RxStreams.AspNetCore.Connections;

/// <summary>
/// Holds the host's shutdown until the RxStreams connections have drained (<see cref="StreamConnectionHandler.DrainAsync"/>).
/// It drains in <see cref="StoppingAsync"/>, which the host runs before it stops any hosted service, the web server
/// included: while it waits, the server still answers, new upgrades get 503 with Retry-After and the readiness check
/// says not ready. (A hosted service's <c>StopAsync</c> would be too late: the web server, registered last, stops first.)
/// </summary>
internal sealed class StreamDrainService(IServiceProvider services) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken)
        => services.GetRequiredService<StreamConnectionHandler>().DrainAsync().WaitAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
