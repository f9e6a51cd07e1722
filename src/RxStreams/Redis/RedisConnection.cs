using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using RxStreams.Diagnostics;
using StackExchange.Redis;

namespace RxStreams.Redis;

/// <summary>
/// The backplane's one Redis connection (a multiplexer: commands and pub/sub). Every command goes through here: it
/// counts a round trip, is bounded by the operation timeout (StackExchange.Redis 1.2.6 async calls have none), maps
/// connection faults to <see cref="BackplaneUnavailableException"/>, and resumes the caller on the thread pool, never
/// on the multiplexer's completion worker (which runs continuations inline and would stall every other reply).
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private static readonly string[] s_unavailableErrors = ["LOADING", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN", "NOREPLICAS"];

    private readonly RedisBackplaneOptions _options;
    private readonly ILogger _logger;
    private readonly string _clientName;
    private readonly object _gate = new();
    private Task<IConnectionMultiplexer>? _connecting;
    private IConnectionMultiplexer? _multiplexer;
    private volatile bool _closed;

    public RedisConnection(RedisBackplaneOptions options, ILogger logger, string clientName)
    {
        _options = options;
        _logger = logger;
        _clientName = clientName;
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
                multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration, log).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
            }
        }
        catch (Exception e)
        {
            RedisLog.ConnectFailed(_logger, log.ToString(), e);
            throw;
        }
        // Pub/sub messages (ephemeral items, presence events) must be handled in the order Redis sent them.
        multiplexer.PreserveAsyncOrder = true;
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
        RedisLog.Connected(_logger, multiplexer.IsConnected);
        return multiplexer;
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
        => RedisLog.ConnectionFailed(_logger, e.EndPoint?.ToString() ?? "?", e.ConnectionType.ToString(), e.FailureType.ToString(), e.Exception);

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        RedisLog.ConnectionRestored(_logger, e.EndPoint?.ToString() ?? "?", e.ConnectionType.ToString());
        if (Restored is { } restored)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static r => r(), restored, preferLocal: false);
        }
    }

    /// <summary>Waits until the multiplexer exists (it may not be connected yet).</summary>
    public async Task EnsureMultiplexerAsync()
    {
        try
        {
            await GetMultiplexer().WaitAsync(_options.OperationTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not ObjectDisposedException)
        {
            throw Unavailable("connect", e);
        }
    }

    // ---- Commands ----

    /// <summary>Runs a command (as <c>IDatabase.ExecuteAsync</c>).</summary>
    public Task<RedisResult> ExecuteAsync(string command, object[] args, CancellationToken cancellationToken)
        => RunAsync(command, static (m, s) => m.GetDatabase().ExecuteAsync(s.command, s.args), (command, args), cancellationToken);

    /// <summary>Runs a script by its SHA1, loading it with EVAL when the server does not know it (after a restart).</summary>
    public Task<RedisResult> EvalAsync(RedisScript script, RedisKey[] keys, RedisValue[] args, CancellationToken cancellationToken)
    {
        var evalSha = new object[2 + keys.Length + args.Length];
        evalSha[0] = script.Sha1;
        evalSha[1] = keys.Length;
        for (var i = 0; i < keys.Length; i++)
        {
            evalSha[2 + i] = keys[i];
        }
        for (var i = 0; i < args.Length; i++)
        {
            evalSha[2 + keys.Length + i] = args[i];
        }
        if (script.Ordered)
        {
            evalSha[0] = script.Text;
            return RunAsync(script.Name, static (m, s) => m.GetDatabase().ExecuteAsync("EVAL", s), evalSha, cancellationToken);
        }
        return RunAsync(script.Name, static async (m, s) =>
        {
            var db = m.GetDatabase();
            try
            {
                return await db.ExecuteAsync("EVALSHA", s.evalSha).ConfigureAwait(false);
            }
            catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
            {
                RxStreamsMetrics.BackplaneRoundTrips.Add(1);
                var eval = (object[])s.evalSha.Clone();
                eval[0] = s.script.Text;
                return await db.ExecuteAsync("EVAL", eval).ConfigureAwait(false);
            }
        }, (evalSha, script), cancellationToken);
    }

    /// <summary>Publishes to a pub/sub channel.</summary>
    public Task<long> PublishAsync(string channel, byte[] message, CancellationToken cancellationToken)
        => RunAsync("PUBLISH", static (m, s) => m.GetSubscriber().PublishAsync(s.channel, s.message), (channel, message), cancellationToken);

    /// <summary>Subscribes a handler to a pub/sub channel (the multiplexer resubscribes by itself after a reconnection).</summary>
    public Task<bool> SubscribeAsync(string channel, Action<RedisChannel, RedisValue> handler, CancellationToken cancellationToken)
        => RunAsync("SUBSCRIBE", static async (m, s) =>
        {
            await m.GetSubscriber().SubscribeAsync(s.channel, s.handler).ConfigureAwait(false);
            return true;
        }, (channel, handler), cancellationToken);

    /// <summary>Removes a handler from a pub/sub channel.</summary>
    public Task<bool> UnsubscribeAsync(string channel, Action<RedisChannel, RedisValue> handler, CancellationToken cancellationToken)
        => RunAsync("UNSUBSCRIBE", static async (m, s) =>
        {
            await m.GetSubscriber().UnsubscribeAsync(s.channel, s.handler).ConfigureAwait(false);
            return true;
        }, (channel, handler), cancellationToken);

    private async Task<TResult> RunAsync<TState, TResult>(string what, Func<IConnectionMultiplexer, TState, Task<TResult>> call, TState state, CancellationToken cancellationToken)
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
        => e is RedisConnectionException && e.Message.StartsWith("No connection is available", StringComparison.Ordinal);

    /// <summary>True for errors that mean "Redis cannot be reached now" rather than a bad command.</summary>
    public static bool IsUnavailable(Exception e) => e switch
    {
        BackplaneUnavailableException => true,
        RedisConnectionException or RedisTimeoutException or TimeoutException or SocketException or IOException => true,
        ObjectDisposedException => false,
        RedisServerException s => s_unavailableErrors.Any(p => s.Message.StartsWith(p, StringComparison.Ordinal)),
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
