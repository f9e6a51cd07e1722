using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace RxStreams.Redis;

/// <summary>
/// The node's Redis pub/sub subscriptions: one Redis SUBSCRIBE per channel, whatever the number of local listeners.
/// Listeners run on the multiplexer's message worker, in order, so they must be quick and never block (they queue
/// work elsewhere). The multiplexer resubscribes by itself after a reconnection (also when the first SUBSCRIBE was
/// issued while Redis was down), so a channel is subscribed once and never retried here: retrying would register
/// the handler twice.
/// </summary>
internal sealed class RedisSubscriptions
{
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
        while (!subscription.Removed)
        {
            try
            {
                // Until the multiplexer exists (the factory may fail while Redis is down), nothing is registered.
                await _connection.EnsureMultiplexerAsync().ConfigureAwait(false);
                break;
            }
            catch (BackplaneUnavailableException e)
            {
                RedisLog.SubscribeFailed(_logger, subscription.Channel, e);
                await Task.Delay(delay).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
        if (subscription.Removed)
        {
            return;
        }
        try
        {
            await _connection.SubscribeAsync(subscription.Channel, subscription.Handler, CancellationToken.None).ConfigureAwait(false);
            if (subscription.Removed)
            {
                // Removed while subscribing: the removal's UNSUBSCRIBE may have gone first.
                await UnsubscribeAsync(subscription).ConfigureAwait(false);
                return;
            }
        }
        catch (Exception e) when (e is BackplaneUnavailableException or ObjectDisposedException)
        {
            // Registered with the multiplexer all the same: it subscribes again once connected (see NotifyResubscribed).
            RedisLog.SubscribeFailed(_logger, subscription.Channel, e);
            return;
        }
        ImmutableArray<Listener> listeners;
        lock (_gate)
        {
            subscription.Subscribed = true;
            listeners = subscription.Listeners;
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
                subscription.Subscribed = true;
                callbacks.AddRange(subscription.Listeners.Select(l => l.OnSubscribed).OfType<Action>());
            }
        }
        callbacks.ForEach(c => c());
    }

    private void Remove(Subscription subscription, Listener listener)
    {
        lock (_gate)
        {
            subscription.Listeners = subscription.Listeners.Remove(listener);
            if (!subscription.Listeners.IsEmpty || subscription.Removed)
            {
                return;
            }
            subscription.Removed = true;
            _channels.Remove(subscription.Channel);
        }
        _ = UnsubscribeAsync(subscription);
    }

    private async Task UnsubscribeAsync(Subscription subscription)
    {
        try
        {
            await _connection.UnsubscribeAsync(subscription.Channel, subscription.Handler, CancellationToken.None).ConfigureAwait(false);
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
            Handler = (_, value) =>
            {
                var message = (byte[]?)value;
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

        public Action<RedisChannel, RedisValue> Handler { get; }

        public ImmutableArray<Listener> Listeners = [];

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
