using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using RxStreams.Backplanes;

namespace RxStreams.Redis;

/// <summary>Ephemeral channels over Redis pub/sub: one Redis SUBSCRIBE per channel per node, fanned out to local observers in order.</summary>
internal sealed class RedisEphemeralChannels
{
    private readonly RedisConnection _connection;
    private readonly RedisSubscriptions _subscriptions;
    private readonly RedisKeys _keys;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly Dictionary<string, Topic> _topics = new(StringComparer.Ordinal);
    private bool _stopped;

    public RedisEphemeralChannels(RedisConnection connection, RedisSubscriptions subscriptions, RedisKeys keys, ILogger logger)
    {
        _connection = connection;
        _subscriptions = subscriptions;
        _keys = keys;
        _logger = logger;
    }

    public async ValueTask PublishAsync(string channel, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        => await _connection.PublishAsync(_keys.Ephemeral(channel), RedisProtocol.WriteEphemeral(payload.Span, DateTimeOffset.UtcNow), cancellationToken).ConfigureAwait(false);

    public IObservable<BackplaneEntry> Subscribe(string channel) => Observable.Create<BackplaneEntry>(observer =>
    {
        IDisposable subscription;
        lock (_gate)
        {
            if (_stopped)
            {
                subscription = Disposable.Empty;
            }
            else
            {
                if (!_topics.TryGetValue(channel, out var topic))
                {
                    var fanout = new RedisFanout<BackplaneEntry>(_logger, channel);
                    topic = new Topic(fanout);
                    topic.Listening = _subscriptions.Listen(_keys.Ephemeral(channel), message =>
                    {
                        if (RedisProtocol.TryReadEphemeral(message, out var parts))
                        {
                            fanout.Post(new BackplaneEntry(default, parts.Timestamp, parts.Payload));
                        }
                    });
                    var target = topic;
                    fanout.Emptied += () => Remove(channel, target);
                    _topics[channel] = topic;
                }
                subscription = topic.Fanout.Add(observer);
            }
        }
        if (subscription == Disposable.Empty)
        {
            observer.OnCompleted();
        }
        return subscription;
    });

    private void Remove(string channel, Topic topic)
    {
        lock (_gate)
        {
            if (!topic.Fanout.IsEmpty || !_topics.TryGetValue(channel, out var current) || current != topic)
            {
                return;
            }
            _topics.Remove(channel);
        }
        topic.Listening?.Dispose();
    }

    /// <summary>Ends every local subscription (OnCompleted) unless <paramref name="silently"/>.</summary>
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
            topic.Listening?.Dispose();
            if (!silently)
            {
                topic.Fanout.Complete();
            }
        }
    }

    private sealed class Topic(RedisFanout<BackplaneEntry> fanout)
    {
        public RedisFanout<BackplaneEntry> Fanout => fanout;
        public IDisposable? Listening;
    }
}
