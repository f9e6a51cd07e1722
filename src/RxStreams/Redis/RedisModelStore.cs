using RxStreams.Backplanes;
using StackExchange.Redis;

namespace RxStreams.Redis;

/// <summary>
/// Models in Redis: the state in a hash beside the stream of its changes, both written by one script
/// (<see cref="RedisScripts.ModelWrite"/>), so a compare-and-set from any node is atomic with the change it appends.
/// </summary>
internal sealed class RedisModelStore
{
    private readonly RedisConnection _connection;
    private readonly RedisKeys _keys;
    private readonly RedisBackplaneOptions _options;

    public RedisModelStore(RedisConnection connection, RedisKeys keys, RedisBackplaneOptions options)
    {
        _connection = connection;
        _keys = keys;
        _options = options;
    }

    public async ValueTask<BackplaneModelState> ReadAsync(string channel, CancellationToken cancellationToken)
    {
        var result = await _connection.EvalAsync(RedisScripts.ModelRead, [_keys.Model(channel)], [], cancellationToken).ConfigureAwait(false);
        return Parse((RedisResult[])result!, 0);
    }

    public async ValueTask<BackplaneModelWrite> WriteAsync(string channel, long expectedVersion, ReadOnlyMemory<byte> state, ReadOnlyMemory<byte> change, int maxLength, CancellationToken cancellationToken)
    {
        var slack = Math.Clamp(maxLength / 16, 0, 256);
        var stream = _keys.Stream(channel);
        var result = (RedisResult[])(await _connection.EvalAsync(
            RedisScripts.ModelWrite,
            [_keys.Model(channel), stream, _keys.Meta(channel)],
            [expectedVersion, RedisProtocol.PayloadArray(state), RedisProtocol.PayloadArray(change), maxLength, slack, _keys.LiveWakeUp(channel)],
            cancellationToken).ConfigureAwait(false))!;
        var written = (long)result[0] == 1;
        if (!written)
        {
            return new BackplaneModelWrite(false, Parse(result, 1));
        }
        var current = new BackplaneModelState((long)result[1], state.ToArray(), RedisProtocol.ParseOffset(result[3]));
        if (_options.WaitForReplicas > 0)
        {
            // As for appends (RedisChannelStore): WAIT follows the script on the same connection to the same master.
            var acknowledged = await _connection.WaitForReplicasAsync(stream, _options.WaitForReplicas, _options.ReplicaWaitTimeout, cancellationToken).ConfigureAwait(false);
            if (acknowledged < _options.WaitForReplicas)
            {
                throw new BackplaneUnavailableException(
                    $"Model '{channel}': version {current.Version} was written, but only {acknowledged} of {_options.WaitForReplicas} replica(s) confirmed it " +
                    $"within {_options.ReplicaWaitTimeout.TotalMilliseconds:0} ms (RedisBackplaneOptions.WaitForReplicas): it may be lost if the master fails now.");
            }
        }
        return new BackplaneModelWrite(true, current);
    }

    private static BackplaneModelState Parse(RedisResult[] parts, int from)
    {
        var version = (long)parts[from];
        return version == 0
            ? default
            : new BackplaneModelState(version, (byte[])parts[from + 1]!, RedisProtocol.ParseOffset(parts[from + 2]));
    }
}
