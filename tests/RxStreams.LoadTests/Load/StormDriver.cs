using System.Diagnostics;
using System.Globalization;
using RedisServer = RxStreams.Testing.RedisServer;

namespace RxStreams.LoadTests.Load;

/// <summary>
/// The connection storm: every client connects and subscribes at once (as concurrently as the load generator can: all
/// connects are started together), then the server is killed and started again on the same port and every client
/// reconnects by itself. Times until the server counts every subscription, both times.
/// </summary>
/// <remarks>
/// With <c>durable</c> (RxStreams only) the clients subscribe to a durable channel on a server with a Redis backplane,
/// and a publisher on a second node (same Redis, not restarted) publishes a numbered sequence before, during and after
/// the restart. The clients resume as the protocol says (HELLO with their session, OPEN with the last offset they
/// received); at the end every client must hold every number exactly once, counted on the wire (no client-side
/// deduplication).
/// </remarks>
internal sealed class StormDriver(LoadSettings settings)
{
    /// <summary>Reconnection back-off: attempt k waits a random time in [d/2, d], d = min(1 s, 100 ms × 2^k).</summary>
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan SubscribeTimeout = TimeSpan.FromSeconds(180);

    private int _connectRetries;
    private int _reconnectRetries;
    private int _reconnections;
    private long _published;

    public async Task<StormResult> RunAsync(string kind, bool durable)
    {
        var n = settings.StormClients;
        var channel = durable ? "durable" : "ephemeral";
        Log.Info($"storm: {kind}{(durable ? " (durable channel, Redis backplane, resume)" : "")}, {n} clients at once, then a server restart");
        var fds = (n + 2000).ToString(CultureInfo.InvariantCulture);
        RedisServer? redis = null;
        ServerProcess? publisherNode = null;
        ServerProcess? server = null;
        LeanClientSet? publisher = null;
        LeanClientSet? clients = null;
        using var stop = new CancellationTokenSource();
        var tasks = new List<Task>();
        try
        {
            string[] extra = ["--fds", fds];
            if (durable)
            {
                redis = await RedisServer.StartAsync(cpus: settings.ServerCpus);
                var configuration = $"127.0.0.1:{redis.Port},abortConnect=false,connectTimeout=5000,syncTimeout=10000";
                extra = [.. extra, "--redis", configuration];
                publisherNode = await ServerProcess.StartAsync(kind, settings.ServerCpus, "--redis", configuration);
            }
            server = await ServerProcess.StartAsync(kind, settings.ServerCpus, extra);
            var endpoint = server.Endpoint;
            var port = server.BaseAddress.Port.ToString(CultureInfo.InvariantCulture);
            var topic = durable ? "storm" : "bcast";
            var trackers = Enumerable.Range(0, n).Select(_ => new SequenceTracker()).ToArray();

            // 1. The storm: every connect at once (the server is cold, as it is after a deploy).
            var loaderBefore = LoadGenerator.CpuTime();
            var clock = Stopwatch.StartNew();
            var connected = await Task.WhenAll(Enumerable.Range(0, n).Select(i => ConnectAsync(kind, endpoint, topic, trackers[i])));
            await WaitSubscribedAsync(server, n);
            var connectSeconds = clock.Elapsed.TotalSeconds;
            var loaderCpu = (LoadGenerator.CpuTime() - loaderBefore).TotalMilliseconds / 10 / connectSeconds;
            Log.Info(string.Create(CultureInfo.InvariantCulture, $"    {n} subscribed in {connectSeconds:0.00} s ({_connectRetries} connect retries), load generator CPU {loaderCpu:0}%"));
            clients = LeanClientSet.Of(connected);
            tasks.AddRange(connected.Select(c => KeepConnectedAsync(c, endpoint, stop.Token)));

            // 2. Durable: the numbered sequence starts; every client has some of it (an offset to resume from) before the kill.
            if (durable)
            {
                publisher = await LeanClientSet.ConnectAsync(kind, publisherNode!.Endpoint, 1, null, null);
                await publisher.Clients[0].StartPublishingAsync(topic);
                tasks.Add(PublishAsync(publisher.Clients[0], stop.Token));
                var publishing = Stopwatch.StartNew();
                await WaitAsync(() => publishing.Elapsed.TotalSeconds >= 2 && trackers.All(t => t.Next > 1), TimeSpan.FromSeconds(60), "every client to receive the first item");
            }

            // 3. Restart: kill, start again on the same port; the clients reconnect by themselves.
            var killedAt = clock.Elapsed.TotalSeconds;
            var publishedAtKill = Volatile.Read(ref _published);
            await server.KillAsync();
            await server.DisposeAsync();
            server = null;
            server = await ServerProcess.StartAsync(kind, settings.ServerCpus, [.. extra, "--port", port]);
            var readyAt = clock.Elapsed.TotalSeconds;
            await WaitSubscribedAsync(server, n);
            var allAt = clock.Elapsed.TotalSeconds;
            Log.Info(string.Create(CultureInfo.InvariantCulture,
                $"    restarted in {readyAt - killedAt:0.00} s; {n} subscribed again {allAt - killedAt:0.00} s after the kill ({allAt - readyAt:0.00} s after the server was ready; {_reconnectRetries} reconnect retries)"));
            if (!durable)
            {
                return new StormResult(kind, channel, n, connectSeconds, readyAt - killedAt, allAt - killedAt, allAt - readyAt, _connectRetries, _reconnectRetries, loaderCpu);
            }

            // 4. Durable: every client catches up with what was published while it was away, the sequence goes on a
            // while, stops, and every client must then hold each number exactly once.
            var publishedAtResubscribe = Volatile.Read(ref _published);
            // No cut for a stall here: a server that delivers nothing for a while and then everything is slow, not lossy.
            var caughtUp = await WaitAsync(() => trackers.All(t => t.Next > publishedAtResubscribe), TimeSpan.FromSeconds(120), "every client to catch up", null, throwOnTimeout: false)
                ? clock.Elapsed.TotalSeconds - killedAt
                : double.NaN;
            await Task.Delay(TimeSpan.FromSeconds(3));
            await stop.CancelAsync();
            await tasks[^1]; // the publisher
            var last = Volatile.Read(ref _published);
            await WaitAsync(() => trackers.All(t => t.Next > last), TimeSpan.FromSeconds(120), "every client to receive the last item", trackers, throwOnTimeout: false);
            await Task.Delay(500); // a doubled item would come right after
            long lost = 0, doubled = 0;
            var complete = 0;
            foreach (var t in trackers)
            {
                var (l, d) = t.Count(last);
                lost += l;
                doubled += d;
                complete += l == 0 && d == 0 ? 1 : 0;
            }
            var rx = connected.OfType<RxLeanClient>().ToArray();
            var resumed = rx.Sum(c => c.Resumptions);
            var errors = rx.Sum(c => c.Errors);
            Log.Info(string.Create(CultureInfo.InvariantCulture,
                $"    items 1..{last} ({publishedAtKill} before the kill, {publishedAtResubscribe} when all were back): {lost} lost, {doubled} doubled, {complete} of {n} clients exact; " +
                $"caught up {caughtUp:0.00} s after the kill; {_reconnections} reconnections, {resumed} of them resumed sessions; {errors} stream errors{(errors > 0 ? " (" + string.Join(", ", rx.Where(c => c.LastError is not null).Select(c => c.LastError).Distinct()) + ")" : "")}"));
            return new StormResult(kind, channel, n, connectSeconds, readyAt - killedAt, allAt - killedAt, allAt - readyAt, _connectRetries, _reconnectRetries, loaderCpu,
                last, lost, doubled, complete, resumed, errors, caughtUp, _reconnections, settings.StormPublishRate);
        }
        finally
        {
            await stop.CancelAsync();
            clients?.Abort();
            await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(static _ => { }, TaskScheduler.Default);
            if (publisher is not null)
            {
                await publisher.DisposeAsync();
            }
            if (server is not null)
            {
                await server.DisposeAsync();
            }
            if (publisherNode is not null)
            {
                await publisherNode.DisposeAsync();
            }
            if (redis is not null)
            {
                await redis.DisposeAsync();
            }
        }
    }

    /// <summary>One client of the first storm: connect, handshake, subscribe; a refused or failed attempt is retried with back-off.</summary>
    private async Task<LeanClient> ConnectAsync(string kind, Uri endpoint, string topic, IMessageSink sink)
    {
        var deadline = Stopwatch.StartNew();
        for (var attempt = 0; ; attempt++)
        {
            var client = LeanClient.Create(kind);
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await client.ConnectAsync(endpoint, timeout.Token);
                client.StartReceiving(sink);
                await client.SubscribeAsync(topic);
                return client;
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException && deadline.Elapsed < SubscribeTimeout)
            {
                client.Abort();
                Interlocked.Increment(ref _connectRetries);
                await Task.Delay(BackOff(attempt));
            }
        }
    }

    /// <summary>What a client does for the rest of the storm: when its connection drops, reconnect (and resume) with back-off.</summary>
    private async Task KeepConnectedAsync(LeanClient client, Uri endpoint, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await client.Receiving.WaitAsync(stop);
                for (var attempt = 0; ; attempt++)
                {
                    await Task.Delay(BackOff(attempt), stop);
                    try
                    {
                        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                        timeout.CancelAfter(TimeSpan.FromSeconds(30));
                        await client.ReconnectAsync(endpoint, timeout.Token);
                        Interlocked.Increment(ref _reconnections);
                        break;
                    }
                    catch (Exception e) when (!stop.IsCancellationRequested && e is IOException or System.Net.Sockets.SocketException or OperationCanceledException or ObjectDisposedException)
                    {
                        Interlocked.Increment(ref _reconnectRetries);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static TimeSpan BackOff(int attempt)
    {
        var d = Math.Min(MaxDelay.TotalMilliseconds, FirstDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 10)));
        return TimeSpan.FromMilliseconds(d / 2 + (Random.Shared.NextDouble() * d / 2));
    }

    /// <summary>The numbered sequence, at the storm's publish rate, until stopped; <see cref="_published"/> is the last number sent.</summary>
    private async Task PublishAsync(LeanClient publisher, CancellationToken stop)
    {
        var period = Stopwatch.Frequency / settings.StormPublishRate;
        var start = Stopwatch.GetTimestamp();
        for (long seq = 1; !stop.IsCancellationRequested; seq++)
        {
            var due = start + (long)((seq - 1) * period);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            await publisher.PublishAsync(seq, due);
            Volatile.Write(ref _published, seq);
        }
    }

    private static async Task WaitSubscribedAsync(ServerProcess server, int n)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var stats = await server.StatsAsync();
            if (stats.Subscribers >= n)
            {
                return;
            }
            if (deadline.Elapsed > SubscribeTimeout)
            {
                throw new TimeoutException($"the {server.Kind} server has {stats.Subscribers} of {n} subscribers after {SubscribeTimeout.TotalSeconds} s");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Waits for <paramref name="condition"/> while the clients make progress (or until <paramref name="timeout"/>, or 30 s without an item received); false if it gave up.</summary>
    private static async Task<bool> WaitAsync(Func<bool> condition, TimeSpan timeout, string what, SequenceTracker[]? progress = null, bool throwOnTimeout = true)
    {
        var deadline = Stopwatch.StartNew();
        long Sum() => progress?.Sum(t => t.Received) ?? 0;
        var last = Sum();
        var stalled = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > timeout || (progress is not null && stalled.Elapsed > TimeSpan.FromSeconds(30)))
            {
                if (throwOnTimeout)
                {
                    throw new TimeoutException($"storm: waited {deadline.Elapsed.TotalSeconds:0} s for {what}");
                }
                Log.Info($"    gave up waiting for {what} after {deadline.Elapsed.TotalSeconds:0} s");
                return false;
            }
            await Task.Delay(50);
            var now = Sum();
            if (now != last)
            {
                last = now;
                stalled.Restart();
            }
        }
        return true;
    }
}
