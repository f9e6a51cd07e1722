using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace RxStreams.Redis;

/// <summary>
/// The node's Redis pub/sub subscriptions: one Redis SUBSCRIBE (SSUBSCRIBE when sharded) per channel, whatever the
/// number of local listeners. Each channel's messages come through its own StackExchange.Redis message queue, one at
/// a time and in order, so listeners must be quick and never block (they queue work elsewhere). The multiplexer
/// resubscribes by itself after a reconnection or a failover; a subscribe that failed (Redis down) is tried again
/// here until it succeeds or nobody listens any more.
/// </summary>
internal sealed class RedisSubscriptions
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly RedisConnection _connection;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly Dictionary<string, Subscription> _channels = new(StringComparer.Ordinal);

    public RedisSubscriptions(RedisConnection connection, ILogger logger)
    {
        _connection = connection;
        _logger = logger;
    }

    /// <summary>
    /// Listens to a channel. <paramref name="onSubscribed"/> is called (on the thread pool, never synchronously) once the
    /// Redis subscription is confirmed; messages published before that may be missed.
    /// </summary>
    public IDisposable Listen(string channel, Action<byte[]?> onMessage, Action? onSubscribed = null)
    {
        var listener = new Listener(onMessage, onSubscribed);
        Subscription subscription;
        bool created = false, subscribed;
        lock (_gate)
        {
            if (!_channels.TryGetValue(channel, out subscription!))
            {
                subscription = new Subscription(this, channel);
                _channels[channel] = subscription;
                created = true;
            }
            subscription.Listeners = subscription.Listeners.Add(listener);
            subscribed = subscription.Subscribed;
        }
        if (created)
        {
            _ = SubscribeAsync(subscription);
        }
        else if (subscribed && onSubscribed is not null)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static a => a(), onSubscribed, preferLocal: false);
        }
        return new Registration(this, subscription, listener);
    }

    private async Task SubscribeAsync(Subscription subscription)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        var failures = 0;
        ChannelMessageQueue? queue = null;
        while (!subscription.Removed)
        {
            try
            {
                // Until a server has answered, whether pub/sub is sharded is unknown: nothing is subscribed before.
                await _connection.EnsurePubSubModeAsync().ConfigureAwait(false);
                queue = await _connection.SubscribeAsync(subscription.Channel, subscription.Handler, CancellationToken.None).ConfigureAwait(false);
                break;
            }
            catch (BackplaneUnavailableException e)
            {
                if (++failures == 1)
                {
                    RedisLog.SubscribeFailed(_logger, subscription.Channel, e);
                }
                await Task.Delay(delay).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
        if (queue is null)
        {
            return;
        }
        ImmutableArray<Listener> listeners;
        lock (_gate)
        {
            subscription.Queue = queue;
            if (subscription.Removed)
            {
                listeners = [];
            }
            else
            {
                subscription.Subscribed = true;
                listeners = subscription.Listeners;
            }
        }
        if (subscription.Removed)
        {
            // Removed while subscribing: the removal found no queue to unsubscribe.
            await UnsubscribeAsync(subscription, queue).ConfigureAwait(false);
            return;
        }
        foreach (var listener in listeners)
        {
            listener.OnSubscribed?.Invoke();
        }
    }

    /// <summary>Calls every listener's subscribed callback again (after a reconnection, the multiplexer resubscribed).</summary>
    public void NotifyResubscribed()
    {
        List<Action> callbacks = [];
        lock (_gate)
        {
            foreach (var subscription in _channels.Values)
            {
                if (subscription.Subscribed)
                {
                    callbacks.AddRange(subscription.Listeners.Select(l => l.OnSubscribed).OfType<Action>());
                }
            }
        }
        callbacks.ForEach(c => c());
    }

    private void Remove(Subscription subscription, Listener listener)
    {
        ChannelMessageQueue? queue;
        lock (_gate)
        {
            subscription.Listeners = subscription.Listeners.Remove(listener);
            if (!subscription.Listeners.IsEmpty || subscription.Removed)
            {
                return;
            }
            subscription.Removed = true;
            _channels.Remove(subscription.Channel);
            queue = subscription.Queue;
        }
        if (queue is not null)
        {
            _ = UnsubscribeAsync(subscription, queue);
        }
    }

    private async Task UnsubscribeAsync(Subscription subscription, ChannelMessageQueue queue)
    {
        try
        {
            await _connection.UnsubscribeAsync(queue, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BackplaneUnavailableException or ObjectDisposedException)
        {
            // The handler is gone locally either way; the server forgets the subscription with the connection.
            RedisLog.UnsubscribeFailed(_logger, subscription.Channel, e);
        }
    }

    private sealed class Subscription
    {
        public Subscription(RedisSubscriptions owner, string channel)
        {
            Channel = channel;
            Handler = message =>
            {
                foreach (var listener in Listeners)
                {
                    try
                    {
                        listener.OnMessage(message);
                    }
                    catch (Exception e)
                    {
                        RedisLog.ListenerFailed(owner._logger, channel, e);
                    }
                }
            };
        }

        public string Channel { get; }

        public Action<byte[]?> Handler { get; }

        public ImmutableArray<Listener> Listeners = [];

        public ChannelMessageQueue? Queue;

        public bool Subscribed;

        public volatile bool Removed;
    }

    private sealed record Listener(Action<byte[]?> OnMessage, Action? OnSubscribed);

    private sealed class Registration(RedisSubscriptions owner, Subscription subscription, Listener listener) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Remove(subscription, listener);
            }
        }
    }
}
