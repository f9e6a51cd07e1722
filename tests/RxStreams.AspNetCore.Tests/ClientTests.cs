using System.Collections.Concurrent;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using RxStreams.Client;
using RxStreams.Testing;

namespace RxStreams.AspNetCore.Tests;

/// <summary>What the .NET client reports and refuses on its own: throwing observers, lost history, a full buffer.</summary>
public sealed class ClientTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private KestrelHost Host => server.Host;

    [Fact]
    public async Task An_observer_that_throws_is_detached_and_reported_and_the_others_get_every_item()
    {
        await using var client = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        var events = new ConcurrentQueue<ClientEvent>();
        using var watch = client.Events.Subscribe(events.Enqueue);
        var count = client.Subscribe<Tick>("count/5");
        var good = new ConcurrentQueue<int>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var bad = count.Subscribe(_ => throw new InvalidOperationException("observer broke"));
        using var ok = count.Subscribe(t => good.Enqueue(t.N), () => done.TrySetResult());

        await Wait.ForAsync(done.Task, "the good observer saw the stream complete");
        Assert.Equal([0, 1, 2, 3, 4], good);
        var failed = Assert.Single(events, e => e.Kind == ClientEventKind.ObserverFailed);
        Assert.Equal("count/5", failed.Route);
        Assert.Contains("observer broke", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resuming_from_history_no_longer_held_reopens_from_what_is_held_and_reports_it_unless_asked_to_fail()
    {
        var name = Guid.NewGuid().ToString("N");
        var channel = Host.Services.GetRequiredService<IStreamHub>().Channel<Tick>($"short:{name}", new StreamChannelOptions { MaxLength = 5 });
        var first = await channel.PublishAsync(new Tick(0));
        for (var i = 1; i < 20; i++)
        {
            await channel.PublishAsync(new Tick(i));
        }

        await using var client = await RxStreamsClient.ConnectAsync(Host.Endpoint);
        var events = new ConcurrentQueue<ClientEvent>();
        using var watch = client.Events.Subscribe(events.Enqueue);

        // Asked to fail: the stream ends with the requested offset and the first one still held.
        var strict = client.Subscribe<Tick>($"short/{name}", new StreamOpenOptions { ResumeAfter = first, FailIfNotRecovered = true });
        var error = await Assert.ThrowsAsync<StreamNotRecoveredException>(() => strict.FirstAsync().ToTask());
        Assert.Equal(StreamErrorCodes.NotRecovered, error.Code);
        Assert.Empty(events);

        // By default: reported on Events, then reopened from the oldest item still held (the last five).
        var lenient = client.Subscribe<Tick>($"short/{name}", new StreamOpenOptions { ResumeAfter = first });
        var items = await lenient.Take(5).Select(t => t.N).ToList().ToTask().WaitAsync(Wait.DefaultTimeout);
        Assert.Equal([15, 16, 17, 18, 19], items);
        var lost = Assert.Single(events);
        Assert.Equal((ClientEventKind.NotRecovered, $"short/{name}"), (lost.Kind, lost.Route));
        Assert.NotNull(lost.Offset);
    }

    [Fact]
    public async Task Input_sent_while_disconnected_is_buffered_up_to_the_limit_then_refused_with_buffer_full()
    {
        await using var host = await KestrelHost.StartAsync();
        await using var client = await RxStreamsClient.ConnectAsync(host.Endpoint, new RxStreamsClientOptions { MaxBufferedMessages = 3, ReconnectDelay = TimeSpan.FromMinutes(10), MaxReconnectDelay = TimeSpan.FromMinutes(10) });
        var echo = client.Open<Say, Said>("echo/1");
        using var _ = echo.Subscribe(_ => { }, _ => { });
        await host.StopAsync();
        await Wait.UntilAsync(() => client.CurrentState != ConnectionState.Connected, "the client saw the server go");

        for (var i = 0; i < 3; i++)
        {
            echo.OnNext(new Say($"kept {i}"));
        }
        var full = Assert.Throws<StreamException>(() => echo.OnNext(new Say("one too many")));
        Assert.Equal(StreamErrorCodes.BufferFull, full.Code);
    }
}
