using StackExchange.Redis;

namespace RxStreams.LoadTests.Servers;

/// <summary>
/// Cross-node fan-out for the servers that have no Redis backplane here: the publishing node PUBLISHes the message's
/// bytes, every node SUBSCRIBEs and hands them to its local subscribers. SignalR's cross-node figures go through this
/// relay rather than SignalR's own backplane package (Microsoft.AspNetCore.SignalR.StackExchangeRedis, which did not
/// restore here when the figures were first made): it does what that backplane does, one Redis channel per group,
/// the node writes to its own connections.
/// </summary>
public sealed class RedisRelay : IDisposable
{
    private readonly ConnectionMultiplexer _redis;
    private readonly RedisChannel _channel;

    public RedisRelay(string configuration, string channel)
    {
        _redis = ConnectionMultiplexer.Connect(configuration);
        _channel = new RedisChannel(channel, RedisChannel.PatternMode.Literal);
    }

    public void Publish(byte[] payload) => _redis.GetSubscriber().Publish(_channel, payload, CommandFlags.FireAndForget);

    /// <summary>Calls <paramref name="deliver"/> for every message, in order.</summary>
    public void Subscribe(Action<byte[]> deliver) => _redis.GetSubscriber().Subscribe(_channel, (_, value) => deliver((byte[])value!));

    public void Dispose() => _redis.Dispose();
}
