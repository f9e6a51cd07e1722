using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using RxStreams.Backplanes;
using StackExchange.Redis;

namespace RxStreams.Redis;

/// <summary>
/// Work queues in Redis: a stream per queue and a consumer group per group. Consumers of this node wake up on the
/// queue's wake-up channel (one Redis SUBSCRIBE per queue per node); acknowledgements check the pending entry's owner
/// in a script.
/// </summary>
internal sealed class RedisWorkQueues
{
    private readonly RedisConnection _connection;
    private readonly RedisSubscriptions _subscriptions;
    private readonly RedisKeys _keys;
    private readonly RedisBackplaneOptions _options;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly Dictionary<string, QueueConsumers> _queues = new(StringComparer.Ordinal);
    private readonly HashSet<Task> _releasing = [];
    private bool _stopped;

    public RedisWorkQueues(RedisConnection connection, RedisSubscriptions subscriptions, RedisKeys keys, RedisBackplaneOptions options, ILogger logger)
    {
        _connection = connection;
        _subscriptions = subscriptions;
        _keys = keys;
        _options = options;
        _logger = logger;
    }

    internal RedisConnection Connection => _connection;

    internal RedisKeys Keys => _keys;

    internal RedisBackplaneOptions Options => _options;

    internal ILogger Logger => _logger;

    public async ValueTask<StreamOffset> EnqueueAsync(string queue, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        RedisResult result;
        try
        {
            result = await _connection.EvalAsync(
                RedisScripts.Enqueue,
                [_keys.Queue(queue)],
                [RedisProtocol.PayloadArray(payload), _options.MaxQueueLength, _keys.QueueWakeUp(queue)],
                cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("QUEUEFULL", StringComparison.Ordinal))
        {
            throw new StreamException(StreamErrorCodes.QueueFull, $"Work queue '{queue}' holds {_options.MaxQueueLength} items, its limit (RedisBackplaneOptions.MaxQueueLength).", e);
        }
        return RedisProtocol.ParseOffset(result);
    }

    public async ValueTask<bool> AckAsync(string queue, string group, string consumer, StreamOffset id, CancellationToken cancellationToken)
    {
        var result = await _connection.EvalAsync(
            RedisScripts.Ack,
            [_keys.Queue(queue)],
            [group, consumer, id.ToString()],
            cancellationToken).ConfigureAwait(false);
        // Either way the item is no longer this consumer's: make room for the next one.
        RedisConsumer[] local;
        lock (_gate)
        {
            local = _queues.TryGetValue(queue, out var consumers) ? [.. consumers.Consumers] : [];
        }
        foreach (var c in local)
        {
            if (c.Group == group && c.Name == consumer)
            {
                c.Forget(id);
            }
        }
        return (long)result == 1;
    }

    public IObservable<BackplaneWorkItem> Consume(string queue, string group, string consumer, WorkQueueOptions options) => Observable.Create<BackplaneWorkItem>(observer =>
    {
        var fanout = new QueuedFanout<BackplaneWorkItem>(_logger, queue);
        var sink = fanout.Add(observer);
        var c = new RedisConsumer(this, queue, group, consumer, options, fanout);
        lock (_gate)
        {
            if (_stopped)
            {
                sink.Dispose();
                observer.OnCompleted();
                return Disposable.Empty;
            }
            if (!_queues.TryGetValue(queue, out var consumers))
            {
                consumers = new QueueConsumers();
                var target = consumers;
                consumers.WakeUps = _subscriptions.Listen(_keys.QueueWakeUp(queue), message => Wake(target, message));
                _queues[queue] = consumers;
            }
            consumers.Consumers.Add(c);
        }
        c.Start();
        return Disposable.Create(() =>
        {
            sink.Dispose();
            Remove(queue, c);
            Track(c.Stop(release: true));
        });
    });

    private void Wake(QueueConsumers consumers, byte[]? message)
    {
        var released = message is [(byte)'r'];
        RedisConsumer[] local;
        lock (_gate)
        {
            local = [.. consumers.Consumers];
        }
        foreach (var c in local)
        {
            c.Wake(claim: released);
        }
    }

    /// <summary>After a reconnection: every consumer claims and reads at once.</summary>
    public void OnReconnected()
    {
        RedisConsumer[] local;
        lock (_gate)
        {
            local = [.. _queues.Values.SelectMany(q => q.Consumers)];
        }
        foreach (var c in local)
        {
            c.Wake(claim: true);
        }
    }

    /// <summary>Keeps a release in flight until it ends, so disposing the backplane can wait for it.</summary>
    private void Track(Task releasing)
    {
        if (releasing.IsCompleted)
        {
            return;
        }
        lock (_gate)
        {
            _releasing.Add(releasing);
        }
        _ = releasing.ContinueWith(t =>
        {
            lock (_gate)
            {
                _releasing.Remove(t);
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Remove(string queue, RedisConsumer consumer)
    {
        IDisposable? wakeUps = null;
        lock (_gate)
        {
            if (_queues.TryGetValue(queue, out var consumers) && consumers.Consumers.Remove(consumer) && consumers.Consumers.Count == 0)
            {
                _queues.Remove(queue);
                wakeUps = consumers.WakeUps;
            }
        }
        wakeUps?.Dispose();
    }

    /// <summary>Stops every consumer: releasing their items to the group, or not (a simulated crash).</summary>
    public async Task StopAsync(bool release)
    {
        List<(string Queue, RedisConsumer Consumer)> all;
        Task[] releasing;
        lock (_gate)
        {
            _stopped = true;
            releasing = [.. _releasing];
            all = [.. _queues.SelectMany(q => q.Value.Consumers.Select(c => (q.Key, c)))];
            foreach (var q in _queues.Values)
            {
                q.WakeUps?.Dispose();
            }
            _queues.Clear();
        }
        await Task.WhenAll(all.Select(x => x.Consumer.Stop(release)).Concat(releasing)).ConfigureAwait(false);
        foreach (var (_, c) in all)
        {
            c.CompleteObservers(silently: !release);
        }
    }

    private sealed class QueueConsumers
    {
        public readonly List<RedisConsumer> Consumers = [];
        public IDisposable? WakeUps;
    }
}
