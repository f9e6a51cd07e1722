using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using RxStreams.Diagnostics;
using StackExchange.Redis;

namespace RxStreams.Redis;

/// <summary>
/// The backplane's one Redis connection (a multiplexer: commands and pub/sub, to one Redis or to every node of a
/// cluster). Every command goes through here: it counts a round trip, is bounded by the operation timeout (also for a
/// multiplexer from <see cref="RedisBackplaneOptions.ConnectionFactory"/>, whose own timeouts are unknown), maps
/// connection faults to <see cref="BackplaneUnavailableException"/>, and resumes the caller on the thread pool. It also
/// decides, once, whether pub/sub is sharded (<c>SSUBSCRIBE</c>/<c>SPUBLISH</c>): on a cluster unless
/// <see cref="RedisBackplaneOptions.ShardedPubSub"/> says otherwise.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private static readonly string[] s_unavailableErrors = ["LOADING", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN", "NOREPLICAS", "MOVED", "ASK"];

    private readonly RedisBackplaneOptions _options;
    private readonly ILogger _logger;
    private readonly string _clientName;
    private readonly object _gate = new();
    private Task<IConnectionMultiplexer>? _connecting;
    private IConnectionMultiplexer? _multiplexer;
    private volatile bool _closed;
    // -1 not known yet (never connected), 0 plain pub/sub, 1 sharded pub/sub.
    private volatile int _sharded = -1;

    public RedisConnection(RedisBackplaneOptions options, ILogger logger, string clientName)
    {
        _options = options;
        _logger = logger;
        _clientName = clientName;
        if (options.ShardedPubSub is { } sharded)
        {
            _sharded = sharded ? 1 : 0;
        }
    }

    /// <summary>Raised on the thread pool whenever a physical connection to Redis is restored.</summary>
    public event Action? Restored;

    /// <summary>True while the multiplexer reports a connection.</summary>
    public bool IsConnected => _multiplexer is { IsConnected: true };

    /// <summary>Starts connecting in the background (failures surface on first use and are retried there).</summary>
    public void Start() => _ = GetMultiplexer().ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private Task<IConnectionMultiplexer> GetMultiplexer()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (_connecting is null || _connecting.IsFaulted || _connecting.IsCanceled)
            {
                _connecting = ConnectAsync();
            }
            return _connecting;
        }
    }

    private async Task<IConnectionMultiplexer> ConnectAsync()
    {
        using var log = new StringWriter();
        IConnectionMultiplexer multiplexer;
        try
        {
            if (_options.ConnectionFactory is { } factory)
            {
                multiplexer = await factory(log).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
            }
            else
            {
                var configuration = ConfigurationOptions.Parse(_options.Configuration ?? throw new InvalidOperationException("RedisBackplaneOptions needs a Configuration or a ConnectionFactory."));
                // Never fail construction because Redis is down: the multiplexer reconnects by itself.
                configuration.AbortOnConnectFail = false;
                configuration.ClientName ??= _clientName;
                // The library's own timeout, for commands it sends by itself (resubscriptions, handshakes) too.
                configuration.AsyncTimeout = (int)Math.Min(int.MaxValue, _options.OperationTimeout.TotalMilliseconds);
                multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration, log).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
            }
        }
        catch (Exception e)
        {
            RedisLog.ConnectFailed(_logger, log.ToString(), e);
            throw;
        }
        multiplexer.ConnectionFailed += OnConnectionFailed;
        multiplexer.ConnectionRestored += OnConnectionRestored;
        lock (_gate)
        {
            if (_closed)
            {
                multiplexer.Dispose();
                throw new ObjectDisposedException(nameof(RedisConnection));
            }
            _multiplexer = multiplexer;
        }
        ResolvePubSub(multiplexer);
        RedisLog.Connected(_logger, multiplexer.IsConnected);
        return multiplexer;
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
        => RedisLog.ConnectionFailed(_logger, e.EndPoint?.ToString() ?? "?", e.ConnectionType.ToString(), e.FailureType.ToString(), e.Exception);

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (_multiplexer is { } multiplexer)
        {
            ResolvePubSub(multiplexer);
        }
        RedisLog.ConnectionRestored(_logger, e.EndPoint?.ToString() ?? "?", e.ConnectionType.ToString());
        if (Restored is { } restored)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static r => r(), restored, preferLocal: false);
        }
    }

    /// <summary>Decides whether pub/sub is sharded, once a server has answered: sharded on a cluster.</summary>
    private void ResolvePubSub(IConnectionMultiplexer multiplexer)
    {
        if (_sharded >= 0)
        {
            return;
        }
        var connected = multiplexer.GetServers().Where(s => s.IsConnected).ToList();
        if (connected.Count > 0)
        {
            _sharded = connected.Any(s => s.ServerType == ServerType.Cluster) ? 1 : 0;
            RedisLog.PubSubMode(_logger, _sharded == 1 ? "sharded (SSUBSCRIBE/SPUBLISH: a cluster)" : "plain (SUBSCRIBE/PUBLISH)");
        }
    }

    /// <summary>Waits until the multiplexer exists and the pub/sub mode is known (a server has answered once).</summary>
    public async Task EnsurePubSubModeAsync()
    {
        IConnectionMultiplexer multiplexer;
        try
        {
            multiplexer = await GetMultiplexer().WaitAsync(_options.OperationTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not ObjectDisposedException)
        {
            throw Unavailable("connect", e);
        }
        ResolvePubSub(multiplexer);
        if (_sharded < 0)
        {
            throw new BackplaneUnavailableException("Redis cannot be reached (no server has answered yet).");
        }
    }

    private bool IsSharded(IConnectionMultiplexer multiplexer)
    {
        ResolvePubSub(multiplexer);
        return _sharded == 1;
    }

    private RedisChannel Channel(IConnectionMultiplexer multiplexer, string name)
        => IsSharded(multiplexer) ? RedisChannel.Sharded(name) : RedisChannel.Literal(name);

    // ---- Commands ----

    /// <summary>Runs typed commands on the database (the call gets the database and the state).</summary>
    public Task<TResult> RunAsync<TState, TResult>(string what, Func<IDatabase, TState, Task<TResult>> call, TState state, CancellationToken cancellationToken)
        => RunOnMultiplexerAsync(what, static (m, s) => s.call(m.GetDatabase(), s.state), (call, state), cancellationToken);

    /// <summary>
    /// Runs a script (<c>ScriptEvaluateAsync</c>: <c>EVALSHA</c>, loaded again on <c>NOSCRIPT</c>; <c>EVAL</c> when the
    /// script is <see cref="RedisScript.Ordered"/>), in its text for the pub/sub mode (<c>PUBLISH</c> or <c>SPUBLISH</c>).
    /// </summary>
    public Task<RedisResult> EvalAsync(RedisScript script, RedisKey[] keys, RedisValue[] args, CancellationToken cancellationToken)
        => RunOnMultiplexerAsync(script.Name, static (m, s) => m.GetDatabase().ScriptEvaluateAsync(
                s.script.TextFor(s.self.IsSharded(m)), s.keys, s.args, s.script.Ordered ? CommandFlags.NoScriptCache : CommandFlags.None),
            (self: this, script, keys, args), cancellationToken);

    /// <summary>Publishes to a pub/sub channel (<c>SPUBLISH</c> when sharded).</summary>
    public Task<long> PublishAsync(string channel, byte[] message, CancellationToken cancellationToken)
        => RunOnMultiplexerAsync("PUBLISH", static (m, s) => m.GetSubscriber().PublishAsync(s.self.Channel(m, s.channel), s.message), (self: this, channel, message), cancellationToken);

    /// <summary>
    /// Waits until <paramref name="replicas"/> replicas of the server holding <paramref name="key"/> acknowledged every
    /// write this connection sent it so far (<c>WAIT</c>, on the same connection as the writes); returns how many did
    /// within <paramref name="timeout"/>.
    /// </summary>
    public Task<long> WaitForReplicasAsync(RedisKey key, int replicas, TimeSpan timeout, CancellationToken cancellationToken)
        => RunOnMultiplexerAsync("WAIT", static async (m, s) =>
        {
            var result = await m.GetServer(s.key).ExecuteAsync("WAIT", [s.replicas, (long)s.timeout.TotalMilliseconds]).ConfigureAwait(false);
            return (long)result;
        }, (key, replicas, timeout), cancellationToken);

    /// <summary>
    /// Subscribes to a pub/sub channel (<c>SSUBSCRIBE</c> when sharded); <paramref name="handler"/> gets its messages one
    /// at a time, in order. The multiplexer subscribes again by itself after a reconnection or a failover. Dispose the
    /// result to unsubscribe.
    /// </summary>
    public async Task<ChannelMessageQueue> SubscribeAsync(string channel, Action<byte[]?> handler, CancellationToken cancellationToken)
    {
        var attempt = new SubscribeAttempt();
        try
        {
            var queue = await RunOnMultiplexerAsync("SUBSCRIBE", static async (m, s) =>
            {
                var queue = await m.GetSubscriber().SubscribeAsync(s.self.Channel(m, s.channel)).ConfigureAwait(false);
                s.attempt.Subscribed(queue);
                return queue;
            }, (self: this, channel, attempt), cancellationToken).ConfigureAwait(false);
            queue.OnMessage(message => handler((byte[]?)message.Message));
            return queue;
        }
        catch
        {
            // Timed out here, but the subscription may still succeed later: it must not then deliver to nobody (or,
            // once the caller tries again, deliver each message twice).
            attempt.Abandon();
            throw;
        }
    }

    /// <summary>A subscribe the caller may give up on: a queue that arrives after that is unsubscribed at once.</summary>
    private sealed class SubscribeAttempt
    {
        private readonly object _gate = new();
        private ChannelMessageQueue? _queue;
        private bool _abandoned;

        public void Subscribed(ChannelMessageQueue queue)
        {
            lock (_gate)
            {
                _queue = queue;
                if (!_abandoned)
                {
                    return;
                }
            }
            Drop(queue);
        }

        public void Abandon()
        {
            ChannelMessageQueue? queue;
            lock (_gate)
            {
                _abandoned = true;
                queue = _queue;
            }
            if (queue is not null)
            {
                Drop(queue);
            }
        }

        private static void Drop(ChannelMessageQueue queue)
            => _ = queue.UnsubscribeAsync().ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Ends a subscription.</summary>
    public Task<bool> UnsubscribeAsync(ChannelMessageQueue queue, CancellationToken cancellationToken)
        => RunOnMultiplexerAsync("UNSUBSCRIBE", static async (_, queue) =>
        {
            await queue.UnsubscribeAsync().ConfigureAwait(false);
            return true;
        }, queue, cancellationToken);

    private async Task<TResult> RunOnMultiplexerAsync<TState, TResult>(string what, Func<IConnectionMultiplexer, TState, Task<TResult>> call, TState state, CancellationToken cancellationToken)
    {
        var timeout = _options.OperationTimeout;
        var started = Stopwatch.GetTimestamp();
        IConnectionMultiplexer multiplexer;
        try
        {
            multiplexer = await GetMultiplexer().WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ObjectDisposedException)
        {
            throw Unavailable(what, e);
        }
        while (true)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            RxStreamsMetrics.BackplaneRoundTrips.Add(1);
            var remaining = timeout - Stopwatch.GetElapsedTime(started);
            Task<TResult> task;
            try
            {
                task = call(multiplexer, state);
            }
            catch (Exception e)
            {
                task = Task.FromException<TResult>(e);
            }
            try
            {
                return await task.WaitAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
            }
            catch (OperationCanceledException)
            {
                Observe(task);
                throw;
            }
            catch (Exception e) when (_options.WhileDisconnected == RedisDisconnectedBehavior.WaitForConnection && IsNotSent(e)
                && Stopwatch.GetElapsedTime(started) + RetryPause < timeout)
            {
                // The command never left: waiting for the connection and sending it again cannot duplicate it.
                await Task.Delay(RetryPause, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsUnavailable(e))
            {
                Observe(task);
                throw Unavailable(what, e);
            }
        }
    }

    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(50);

    private static bool IsNotSent(Exception e)
        => e is RedisConnectionException c
            && (c.FailureType == ConnectionFailureType.UnableToConnect || c.Message.StartsWith("No connection is available", StringComparison.Ordinal));

    /// <summary>True for errors that mean "Redis cannot be reached now" rather than a bad command.</summary>
    public static bool IsUnavailable(Exception e) => e switch
    {
        BackplaneUnavailableException => true,
        RedisConnectionException or RedisTimeoutException or TimeoutException or SocketException or IOException => true,
        ObjectDisposedException => false,
        // Matched as whole words: BUSYGROUP is not BUSY.
        RedisServerException s => s_unavailableErrors.Any(p => s.Message.StartsWith(p, StringComparison.Ordinal) && (s.Message.Length == p.Length || s.Message[p.Length] == ' ')),
        AggregateException a => a.InnerExceptions.Any(IsUnavailable),
        _ => false,
    };

    private BackplaneUnavailableException Unavailable(string what, Exception e)
        => e as BackplaneUnavailableException ?? new BackplaneUnavailableException(
            e is TimeoutException
                ? $"Redis did not answer {what} within {_options.OperationTimeout.TotalMilliseconds:0} ms (RedisBackplaneOptions.OperationTimeout)."
                : $"Redis cannot be reached ({what}): {e.Message}", e);

    private static void Observe(Task task)
    {
        if (!task.IsCompleted)
        {
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>Drops the connection at once, as a crashed process would: nothing is sent, nothing awaited.</summary>
    internal void Abort()
    {
        IConnectionMultiplexer? multiplexer;
        lock (_gate)
        {
            _closed = true;
            multiplexer = _multiplexer;
        }
        try
        {
            multiplexer?.Close(allowCommandsToComplete: false);
        }
        catch (Exception e) when (e is RedisException or ObjectDisposedException or IOException)
        {
        }
        multiplexer?.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        IConnectionMultiplexer? multiplexer;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }
            _closed = true;
            multiplexer = _multiplexer;
        }
        if (multiplexer is null)
        {
            return;
        }
        try
        {
            await multiplexer.CloseAsync(allowCommandsToComplete: true).WaitAsync(_options.OperationTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnavailable(e) || e is ObjectDisposedException)
        {
            RedisLog.CloseFailed(_logger, e);
        }
        multiplexer.Dispose();
    }
}
