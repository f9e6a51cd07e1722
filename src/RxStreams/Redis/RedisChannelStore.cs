using RxStreams.Backplanes;
using RxStreams.Diagnostics;
using StackExchange.Redis;

namespace RxStreams.Redis;

/// <summary>Durable channels in Redis: appends, reads with bounds, bounds alone (see <see cref="RedisScripts"/>).</summary>
internal sealed class RedisChannelStore
{
    private readonly RedisConnection _connection;
    private readonly RedisKeys _keys;
    private readonly RedisBackplaneOptions _options;

    public RedisChannelStore(RedisConnection connection, RedisKeys keys, RedisBackplaneOptions options)
    {
        _connection = connection;
        _keys = keys;
        _options = options;
    }

    public async ValueTask<StreamOffset> AppendAsync(string channel, ReadOnlyMemory<byte> payload, int maxLength, CancellationToken cancellationToken)
    {
        // Trim in batches (like MAXLEN ~): the channel holds between maxLength and maxLength + slack items.
        var slack = Math.Clamp(maxLength / 16, 0, 256);
        var stream = _keys.Stream(channel);
        // The publisher's trace context, stored beside the payload only when the publish is traced.
        var traceParent = RxStreamsTracing.CurrentTraceParent();
        var result = await _connection.EvalAsync(
            RedisScripts.Append,
            [stream, _keys.Meta(channel)],
            [RedisProtocol.PayloadArray(payload), maxLength, slack, _keys.LiveWakeUp(channel), traceParent ?? RedisValue.EmptyString],
            cancellationToken).ConfigureAwait(false);
        var offset = RedisProtocol.ParseOffset(result);
        if (_options.WaitForReplicas > 0)
        {
            // WAIT cannot run inside a script: it follows the append on the same connection to the same master, so
            // it covers it. An append acknowledged here is on the master and on that many replicas.
            var acknowledged = await _connection.WaitForReplicasAsync(stream, _options.WaitForReplicas, _options.ReplicaWaitTimeout, cancellationToken).ConfigureAwait(false);
            if (acknowledged < _options.WaitForReplicas)
            {
                throw new BackplaneUnavailableException(
                    $"Channel '{channel}': the item was appended at {offset}, but only {acknowledged} of {_options.WaitForReplicas} replica(s) confirmed it " +
                    $"within {_options.ReplicaWaitTimeout.TotalMilliseconds:0} ms (RedisBackplaneOptions.WaitForReplicas): it may be lost if the master fails now.");
            }
        }
        return offset;
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
        // An item's trace context is read only while something listens here: a node that traces nothing pays nothing
        // for the items other nodes traced (as in memory, where nothing is stored while nothing listens).
        var withTrace = RxStreamsTracing.IsListening;
        foreach (var item in raw)
        {
            if (RedisProtocol.TryReadEntry(item, withTrace, out var id, out var payload, out var traceParent))
            {
                entries.Add(new BackplaneEntry(id, RedisProtocol.TimestampOf(id), payload) { TraceParent = traceParent });
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
