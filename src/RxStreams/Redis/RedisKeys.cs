using StackExchange.Redis;

namespace RxStreams.Redis;

/// <summary>
/// Every Redis key and pub/sub channel name the Redis backplane uses, in one place. The name of a channel, presence
/// set or queue is a hash tag (<c>{…}</c>), so all keys of one of them land in one slot of a Redis Cluster and a
/// cluster shards by channel: <c>rx:{chat:lobby}:stream</c>, <c>rx:{chat:lobby}:meta</c>, …
/// </summary>
internal sealed class RedisKeys
{
    /// <summary>The pseudo-consumer that holds a disposed consumer's released items until another consumer claims them.</summary>
    public const string ReleasedConsumer = "rx:released";

    private readonly string _prefix;

    public RedisKeys(string prefix) => _prefix = prefix;

    private string Name(string name, string suffix) => string.Concat(_prefix, ":{", name, "}:", suffix);

    // ---- Durable channels ----

    /// <summary>The Redis Stream holding a durable channel's history (one field per entry: the payload).</summary>
    public RedisKey Stream(string channel) => Name(channel, "stream");

    /// <summary>A hash with the channel's bookkeeping: <c>epoch</c> (first id of its current life) and <c>trimmed</c> (last id trimmed).</summary>
    public RedisKey Meta(string channel) => Name(channel, "meta");

    /// <summary>Pub/sub: the id of each entry appended, so nodes reading the channel live wake up.</summary>
    public string LiveWakeUp(string channel) => Name(channel, "live");

    /// <summary>
    /// A hash with the state of the model whose changes the channel holds (<c>v</c> version, <c>s</c> state, <c>at</c>
    /// the change's id): beside the channel's stream, in its slot, so one script updates both.
    /// </summary>
    public RedisKey Model(string channel) => Name(channel, "model");

    // ---- Ephemeral channels ----

    /// <summary>Pub/sub: the items of an ephemeral channel.</summary>
    public string Ephemeral(string channel) => Name(channel, "pubsub");

    // ---- Presence ----

    /// <summary>A sorted set: member id → lease expiry (Unix ms, Redis clock).</summary>
    public RedisKey PresenceLeases(string set) => Name(set, "presence");

    /// <summary>A hash: member id → <c>owner-token|member-json</c>.</summary>
    public RedisKey PresenceMembers(string set) => Name(set, "presence:members");

    /// <summary>Pub/sub: join, update and leave events of a set.</summary>
    public string PresenceEvents(string set) => Name(set, "presence:events");

    // ---- Work queues ----

    /// <summary>The Redis Stream of a work queue; consumer groups are its groups.</summary>
    public RedisKey Queue(string queue) => Name(queue, "queue");

    /// <summary>Pub/sub: wake-ups for a queue's consumers (<see cref="RedisProtocol.QueueItemAdded"/>, <see cref="RedisProtocol.QueueItemsReleased"/>).</summary>
    public string QueueWakeUp(string queue) => Name(queue, "queue:wake");

    // ---- Sessions ----

    /// <summary>A string holding a client session (JSON), expiring with it. The session id is its hash tag.</summary>
    public RedisKey Session(string sessionId) => Name("session:" + sessionId, "session");
}
