using RxStreams.Backplanes;
using StackExchange.Redis;

namespace RxStreams.Redis;

/// <summary>Durable channels in Redis: appends, reads with bounds, bounds alone (see <see cref="RedisScripts"/>).</summary>
internal sealed class RedisChannelStore
{
    private readonly RedisConnection _connection;
    private readonly RedisKeys _keys;

    public RedisChannelStore(RedisConnection connection, RedisKeys keys)
    {
        _connection = connection;
        _keys = keys;
    }

    public async ValueTask<StreamOffset> AppendAsync(string channel, ReadOnlyMemory<byte> payload, int maxLength, CancellationToken cancellationToken)
    {
        // Trim in batches (like MAXLEN ~): the channel holds between maxLength and maxLength + slack items.
        var slack = Math.Clamp(maxLength / 16, 0, 256);
        var result = await _connection.EvalAsync(
            RedisScripts.Append,
            [_keys.Stream(channel), _keys.Meta(channel)],
            [RedisProtocol.PayloadArray(payload), maxLength, slack, _keys.LiveWakeUp(channel)],
            cancellationToken).ConfigureAwait(false);
        return RedisProtocol.ParseOffset(result);
    }

    public async ValueTask<BackplaneReadResult> ReadAsync(string channel, StreamOffset after, int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (after == StreamOffset.MaxValue)
        {
            return new BackplaneReadResult([], await GetInfoAsync(channel, cancellationToken).ConfigureAwait(false));
        }
        var result = (RedisResult[])(await _connection.EvalAsync(
            RedisScripts.Read,
            [_keys.Stream(channel), _keys.Meta(channel)],
            [after.ToString(), count],
            cancellationToken).ConfigureAwait(false))!;
        var raw = (RedisResult[])result[0]!;
        var entries = new List<BackplaneEntry>(raw.Length);
        foreach (var item in raw)
        {
            if (RedisProtocol.TryReadEntry(item, out var id, out var payload))
            {
                entries.Add(new BackplaneEntry(id, RedisProtocol.TimestampOf(id), payload));
            }
        }
        return new BackplaneReadResult(entries, ParseInfo(channel, result[1]));
    }

    public async ValueTask<StreamChannelInfo> GetInfoAsync(string channel, CancellationToken cancellationToken)
    {
        var result = await _connection.EvalAsync(
            RedisScripts.Info,
            [_keys.Stream(channel), _keys.Meta(channel)],
            [],
            cancellationToken).ConfigureAwait(false);
        return ParseInfo(channel, result);
    }

    private static StreamChannelInfo ParseInfo(string channel, RedisResult result)
    {
        var info = (RedisResult[])result!;
        return new StreamChannelInfo(
            channel,
            Epoch: RedisProtocol.ParseOffset(info[0]),
            TrimmedThrough: RedisProtocol.ParseOffset(info[1]),
            First: RedisProtocol.ParseOptionalOffset(info[2]),
            Last: RedisProtocol.ParseOptionalOffset(info[3]),
            Length: (long)info[4]);
    }
}
