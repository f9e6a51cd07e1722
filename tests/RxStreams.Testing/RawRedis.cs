using System.Text;
using StackExchange.Redis;

namespace RxStreams.Testing;

/// <summary>
/// Redis read and written directly, as someone with access to the Redis network would: every value of every key
/// under a prefix, whatever its type, and raw stream entries.
/// </summary>
public sealed class RawRedis(ConnectionMultiplexer connection) : IAsyncDisposable
{
    private IDatabase Db => connection.GetDatabase();

    /// <summary>Connects with admin commands allowed (KEYS is one, in StackExchange.Redis 3).</summary>
    public static async Task<RawRedis> ConnectAsync(string configuration)
        => new(await ConnectionMultiplexer.ConnectAsync(configuration + ",allowAdmin=true"));

    /// <summary>Every key that starts with <paramref name="prefix"/>.</summary>
    public async Task<string[]> KeysAsync(string prefix)
        => [.. ((RedisResult[])(await Db.ExecuteAsync("KEYS", prefix + "*"))!).Select(k => (string)k!)];

    /// <summary>Every byte stored under the keys that start with <paramref name="prefix"/>: values, fields, members, stream entries.</summary>
    public async Task<List<byte[]>> EverythingAsync(string prefix)
    {
        var values = new List<byte[]>();
        foreach (var key in await KeysAsync(prefix))
        {
            var type = (string)(await Db.ExecuteAsync("TYPE", key))!;
            switch (type)
            {
                case "string":
                    values.Add((byte[])(await Db.ExecuteAsync("GET", key))!);
                    break;
                case "hash":
                    values.AddRange(Bulks(await Db.ExecuteAsync("HGETALL", key)));
                    break;
                case "list":
                    values.AddRange(Bulks(await Db.ExecuteAsync("LRANGE", key, "0", "-1")));
                    break;
                case "set":
                    values.AddRange(Bulks(await Db.ExecuteAsync("SMEMBERS", key)));
                    break;
                case "zset":
                    values.AddRange(Bulks(await Db.ExecuteAsync("ZRANGE", key, "0", "-1", "WITHSCORES")));
                    break;
                case "stream":
                    foreach (var entry in (RedisResult[])(await Db.ExecuteAsync("XRANGE", key, "-", "+"))!)
                    {
                        var parts = (RedisResult[])entry!;
                        values.Add((byte[])parts[0]!);
                        values.AddRange(Bulks(parts[1]));
                    }
                    break;
                case "none":
                    break; // expired since KEYS listed it
                default:
                    throw new InvalidOperationException($"Key {key} has type {type}.");
            }
        }
        return values;
    }

    /// <summary>True when <paramref name="text"/> (UTF-8) appears in anything stored under <paramref name="prefix"/>.</summary>
    public async Task<bool> ContainsAsync(string prefix, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        return (await EverythingAsync(prefix)).Any(value => value.AsSpan().IndexOf(needle) >= 0);
    }

    /// <summary>The payloads (field <c>p</c>) of a Redis Stream's entries, in order.</summary>
    public async Task<List<byte[]>> StreamPayloadsAsync(string key)
    {
        var payloads = new List<byte[]>();
        foreach (var entry in (RedisResult[])(await Db.ExecuteAsync("XRANGE", key, "-", "+"))!)
        {
            var fields = (RedisResult[])((RedisResult[])entry!)[1]!;
            payloads.Add((byte[])fields[1]!);
        }
        return payloads;
    }

    /// <summary>Appends an entry to a Redis Stream, as the backplane lays them out (one field <c>p</c>).</summary>
    public async Task AppendAsync(string key, byte[] payload) => await Db.ExecuteAsync("XADD", key, "*", "p", payload);

    public async Task<byte[]?> GetAsync(string key) => (byte[]?)await Db.ExecuteAsync("GET", key);

    public async Task SetAsync(string key, byte[] value) => await Db.ExecuteAsync("SET", key, value, "KEEPTTL");

    /// <summary>Every bulk string in a reply, however nested (RESP3 answers HGETALL with a map of pairs).</summary>
    private static IEnumerable<byte[]> Bulks(RedisResult result)
        => result.Resp3Type is ResultType.Array or ResultType.Map or ResultType.Set
            ? ((RedisResult[])result!).SelectMany(Bulks)
            : result.IsNull ? [] : [(byte[])result!];

    public ValueTask DisposeAsync()
    {
        connection.Dispose();
        return ValueTask.CompletedTask;
    }
}
