using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;

namespace RxStreams.Redis;

/// <summary>
/// Local observers of Redis pub/sub channels, by name (ephemeral channels, presence sets' events): per name one
/// listener, so one Redis SUBSCRIBE per node, whose messages are decoded once and delivered in order to every
/// observer on the thread pool (<see cref="QueuedFanout{T}"/>). A name is forgotten, and unsubscribed, when its last
/// observer leaves.
/// </summary>
/// <typeparam name="T">What a message decodes to.</typeparam>
internal sealed class RedisTopics<T>
{
    private readonly RedisSubscriptions _subscriptions;
    private readonly Func<string, string> _redisChannel;
    private readonly Decoder _decode;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly Dictionary<string, Topic> _topics = new(StringComparer.Ordinal);
    private bool _stopped;

    /// <param name="subscriptions">The node's pub/sub subscriptions.</param>
    /// <param name="redisChannel">The Redis channel of a name.</param>
    /// <param name="decode">Reads a message; false to skip it.</param>
    /// <param name="logger">Where observers that throw are logged.</param>
    public RedisTopics(RedisSubscriptions subscriptions, Func<string, string> redisChannel, Decoder decode, ILogger logger)
    {
        _subscriptions = subscriptions;
        _redisChannel = redisChannel;
        _decode = decode;
        _logger = logger;
    }

    /// <summary>Reads one pub/sub message.</summary>
    public delegate bool Decoder(byte[]? message, out T item);

    /// <summary>The messages of <paramref name="name"/> while subscribed; completes at once once stopped.</summary>
    public IObservable<T> Subscribe(string name) => Observable.Create<T>(observer =>
    {
        IDisposable? subscription = null;
        lock (_gate)
        {
            if (!_stopped)
            {
                if (!_topics.TryGetValue(name, out var topic))
                {
                    topic = new Topic(this, name);
                    _topics[name] = topic;
                }
                subscription = topic.Fanout.Add(observer);
            }
        }
        if (subscription is null)
        {
            observer.OnCompleted();
            return Disposable.Empty;
        }
        return subscription;
    });

    /// <summary>Completes once the Redis subscription of <paramref name="name"/> is confirmed; null when nobody here observes it.</summary>
    public Task? WhenSubscribed(string name)
    {
        lock (_gate)
        {
            return _topics.TryGetValue(name, out var topic) ? topic.Subscribed.Task : null;
        }
    }

    /// <summary>The names observed now.</summary>
    public string[] Names()
    {
        lock (_gate)
        {
            return [.. _topics.Keys];
        }
    }

    private void Remove(string name, Topic topic)
    {
        lock (_gate)
        {
            if (!topic.Fanout.IsEmpty || !_topics.TryGetValue(name, out var current) || current != topic)
            {
                return;
            }
            _topics.Remove(name);
        }
        topic.Listening.Dispose();
    }

    /// <summary>Unsubscribes every name and ends every observer (OnCompleted, after what is queued) unless <paramref name="silently"/>.</summary>
    public void Stop(bool silently)
    {
        Topic[] topics;
        lock (_gate)
        {
            _stopped = true;
            topics = [.. _topics.Values];
            _topics.Clear();
        }
        foreach (var topic in topics)
        {
            topic.Listening.Dispose();
            if (!silently)
            {
                topic.Fanout.Complete();
            }
        }
    }

    private sealed class Topic
    {
        public Topic(RedisTopics<T> owner, string name)
        {
            var fanout = Fanout = new QueuedFanout<T>(owner._logger, name);
            var decode = owner._decode;
            Listening = owner._subscriptions.Listen(owner._redisChannel(name), message =>
            {
                if (decode(message, out var item))
                {
                    fanout.Post(item);
                }
            }, () => Subscribed.TrySetResult());
            fanout.Emptied += () => owner.Remove(name, this);
        }

        public QueuedFanout<T> Fanout { get; }

        public IDisposable Listening { get; }

        public TaskCompletionSource Subscribed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
