namespace RxStreams.LoadTests.Load;

/// <summary>Many lean clients of one server: connected (and subscribed) a few at a time, kept alive with pings, closed together.</summary>
internal sealed class LeanClientSet : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _pinging = Task.CompletedTask;

    private LeanClientSet(LeanClient[] clients) => Clients = clients;

    public LeanClient[] Clients { get; }

    /// <summary>Connects <paramref name="count"/> clients; with a <paramref name="topic"/> each opens its one stream on it.</summary>
    public static Task<LeanClientSet> ConnectAsync(string kind, Uri endpoint, int count, string? topic, IMessageSink? sink, int concurrency = 16)
        => ConnectEachAsync(kind, endpoint, count, _ => topic, sink, concurrency);

    /// <summary>Connects <paramref name="count"/> clients; client i opens its one stream on <paramref name="topicOf"/>(i), if not null.</summary>
    public static async Task<LeanClientSet> ConnectEachAsync(string kind, Uri endpoint, int count, Func<int, string?> topicOf, IMessageSink? sink, int concurrency = 16)
    {
        var clients = new LeanClient[count];
        await LoadGenerator.ForEachAsync(Enumerable.Range(0, count), concurrency, async i =>
        {
            var client = LeanClient.Create(kind);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    await client.ConnectAsync(endpoint, timeout.Token);
                    break;
                }
                catch (Exception e) when (attempt < 3 && e is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
                {
                    await client.DisposeAsync();
                    client = LeanClient.Create(kind);
                    await Task.Delay(100 * attempt);
                }
            }
            client.StartReceiving(sink ?? NullSink.Instance);
            if (topicOf(i) is { } topic)
            {
                await client.SubscribeAsync(topic);
            }
            clients[i] = client;
        });
        return Of(clients);
    }

    /// <summary>A set of clients connected elsewhere (the storm connects its own): pings them from now on.</summary>
    public static LeanClientSet Of(LeanClient[] clients)
    {
        var set = new LeanClientSet(clients);
        set._pinging = set.PingAsync();
        return set;
    }

    /// <summary>Servers drop clients they have not heard from for 30 s (RxStreams and SignalR alike): ping every 10 s.</summary>
    private async Task PingAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), _stop.Token);
                await LoadGenerator.ForEachAsync(Clients, 8, async c =>
                {
                    try
                    {
                        await c.PingAsync();
                    }
                    catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException)
                    {
                    }
                });
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Cuts every connection at once (no close handshake): for the idle workload's 10,000.</summary>
    public void Abort()
    {
        _stop.Cancel();
        foreach (var client in Clients)
        {
            client.Abort();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pinging;
        await LoadGenerator.ForEachAsync(Clients, 64, c => c.DisposeAsync().AsTask());
    }

    private sealed class NullSink : IMessageSink
    {
        public static readonly NullSink Instance = new();

        public void OnMessage(long seq, long t)
        {
        }
    }
}
