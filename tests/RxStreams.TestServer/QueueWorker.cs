using System.Diagnostics;
using System.Reactive.Linq;
using RxStreams;

namespace RxStreams.TestServer;

/// <summary>
/// Consumes the "jobs" queue as this node: each job is acknowledged, and a <see cref="Done"/> record published once the
/// acknowledgement succeeded. With --crash-after N the node kills itself (SIGKILL, no cleanup at all) when it takes
/// its job number N+1, while it holds jobs it has not acknowledged.
/// </summary>
public sealed class QueueWorker(IStreamHub hub, NodeInfo node, IConfiguration configuration) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var crashAfter = configuration.GetValue<int?>("crash-after");
        var done = hub.Channel<Done>("done:jobs", new StreamChannelOptions { MaxLength = 100_000 });
        var taken = 0;
        var work = hub.Queue<Job>("jobs")
            .Consume("workers", node.Name, new WorkQueueOptions { Prefetch = 16, AckTimeout = TimeSpan.FromSeconds(2) })
            .Select(item => Observable.FromAsync(async () =>
            {
                if (crashAfter is { } limit && ++taken > limit)
                {
                    Process.GetCurrentProcess().Kill(); // a crash: nothing is released, nothing acknowledged
                }
                if (await item.AckAsync(stoppingToken))
                {
                    await done.PublishAsync(new Done(item.Value.N, node.Name, item.DeliveryCount), stoppingToken);
                }
            }))
            .Concat();
        var completion = new TaskCompletionSource();
        using var subscription = work.Subscribe(_ => { }, e => completion.TrySetException(e), () => completion.TrySetResult());
        using var stopping = stoppingToken.Register(() => completion.TrySetResult());
        await completion.Task;
    }
}
