using Microsoft.Extensions.Logging;
using RxStreams.Backplanes;

namespace RxStreams.Redis;

/// <summary>Ephemeral channels over Redis pub/sub: one Redis SUBSCRIBE per channel per node, fanned out to local observers in order.</summary>
internal sealed class RedisEphemeralChannels
{
    private readonly RedisConnection _connection;
    private readonly RedisKeys _keys;
    private readonly RedisTopics<BackplaneEntry> _topics;

    public RedisEphemeralChannels(RedisConnection connection, RedisSubscriptions subscriptions, RedisKeys keys, ILogger logger)
    {
        _connection = connection;
        _keys = keys;
        _topics = new RedisTopics<BackplaneEntry>(subscriptions, keys.Ephemeral, RedisProtocol.TryReadEphemeral, logger);
    }

    public async ValueTask PublishAsync(string channel, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        => await _connection.PublishAsync(_keys.Ephemeral(channel), RedisProtocol.WriteEphemeral(payload.Span, DateTimeOffset.UtcNow), cancellationToken).ConfigureAwait(false);

    public IObservable<BackplaneEntry> Subscribe(string channel) => _topics.Subscribe(channel);

    /// <summary>Ends every local subscription (OnCompleted) unless <paramref name="silently"/>.</summary>
    public void Stop(bool silently) => _topics.Stop(silently);
}
