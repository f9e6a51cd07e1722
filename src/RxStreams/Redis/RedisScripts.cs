namespace RxStreams.Redis;

/// <summary>
/// The Lua scripts of the Redis backplane. Each runs atomically, so bookkeeping never disagrees with the data it
/// describes. Times come from the Redis clock (<c>TIME</c>), so nodes with skewed clocks agree on leases.
/// </summary>
internal static class RedisScripts
{
    // Shared Lua: the epoch of a channel whose stream does not exist (no life yet, or it was reset): one millisecond
    // past the Redis clock. The earlier life's ids are all at or before now, possibly in this very millisecond (a reset
    // right after appends): an epoch of "now" would leave those at or above it, taken as offsets of the next life.
    // (The next life's first id comes from XADD: at or after now. Only a new life begun in the very millisecond of
    // the old one's last append can start below ids of the old one; docs/redis.md says so.)
    private const string NextLifeFunction = """
        local function next_life()
          local t = redis.call('TIME')
          return string.format('%.0f', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + 1) .. '-0'
        end

        """;

    // Shared Lua: appends an entry (field p, and t when a trace context is given) to a durable channel's stream, and
    // returns its id. Trims to the max length once it is exceeded by the slack, recording the last id trimmed (Redis
    // 7.0 does not update max-deleted-entry-id on trimming); starts a new life (epoch) when the stream did not exist.
    // Channel appends and model writes both go through it, so a channel and a model's changes keep the same bounds.
    private const string AppendFunction = """
        local function append_entry(stream, meta, maxlen, slack, payload, trace)
          local fresh = redis.call('EXISTS', stream) == 0
          if not fresh then
            local len = redis.call('XLEN', stream)
            if len >= maxlen + slack then
              local gone = redis.call('XRANGE', stream, '-', '+', 'COUNT', len - maxlen + 1)
              redis.call('XTRIM', stream, 'MAXLEN', maxlen - 1)
              redis.call('HSET', meta, 'trimmed', gone[#gone][1])
            end
          end
          local id
          if trace ~= '' then
            id = redis.call('XADD', stream, '*', 'p', payload, 't', trace)
          else
            id = redis.call('XADD', stream, '*', 'p', payload)
          end
          if fresh then
            redis.call('HSET', meta, 'epoch', id, 'trimmed', '0-0')
          end
          return id
        end

        """;

    // Shared Lua: the bounds of a durable channel, as { epoch, trimmed, first|false, last|false, length }.
    // A channel without a stream has no life yet: its epoch is past every id an earlier life had (see next_life).
    private const string InfoFunction = NextLifeFunction + """
        local function channel_info(stream, meta)
          if redis.call('EXISTS', stream) == 0 then
            return { next_life(), '0-0', false, false, 0 }
          end
          local m = redis.call('HMGET', meta, 'epoch', 'trimmed')
          local first = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)
          local last = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)
          return { m[1] or '0-0', m[2] or '0-0', first[1] and first[1][1] or false, last[1] and last[1][1] or false, redis.call('XLEN', stream) }
        end

        """;

    /// <summary>
    /// KEYS: stream, meta. ARGV: payload, max length, slack, live wake-up channel, trace context (a W3C traceparent
    /// stored as field <c>t</c> beside the payload, or empty for none). Appends, trims to the max length
    /// once it is exceeded by the slack (recording the last id trimmed: Redis 7.0 does not update max-deleted-entry-id
    /// on trimming), starts a new life (epoch) when the stream did not exist, wakes live readers. Returns the id.
    /// </summary>
    public static readonly RedisScript Append = new("append", ordered: true, publishes: true, text: AppendFunction + """
        local id = append_entry(KEYS[1], KEYS[2], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[1], ARGV[5])
        redis.call(publish, ARGV[4], id)
        return id
        """);

    /// <summary>KEYS: stream, meta. ARGV: after (exclusive), count. Returns { entries, info } observed together.</summary>
    public static readonly RedisScript Read = new("read", InfoFunction + """
        local entries = {}
        if tonumber(ARGV[2]) > 0 then
          entries = redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', ARGV[2])
        end
        return { entries, channel_info(KEYS[1], KEYS[2]) }
        """);

    /// <summary>KEYS: stream, meta. Returns the channel's info.</summary>
    public static readonly RedisScript Info = new("info", InfoFunction + """
        return channel_info(KEYS[1], KEYS[2])
        """);

    // Shared Lua for presence: the Redis clock, the member part of a stored value, and removing expired leases
    // (each removal published as a leave, so every watcher sees a dead node's members go).
    private const string PresenceFunctions = """
        local function now_ms()
          local t = redis.call('TIME')
          return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        end
        local function member_of(v)
          local sep = string.find(v, '|', 1, true)
          return string.sub(v, sep + 1)
        end
        local function owned_by(v, token)
          return string.sub(v, 1, #token + 1) == token .. '|'
        end
        local function sweep(leases, members, events, now)
          local expired = redis.call('ZRANGEBYSCORE', leases, '-inf', now)
          for _, id in ipairs(expired) do
            redis.call('ZREM', leases, id)
            local v = redis.call('HGET', members, id)
            if v then
              redis.call('HDEL', members, id)
              redis.call(publish, events, 'L|' .. member_of(v))
            end
          end
          return #expired
        end

        """;

    /// <summary>KEYS: leases, members. ARGV: id, owner token, member json, lease ms, events channel.</summary>
    public static readonly RedisScript Join = new("presence-join", publishes: true, text: PresenceFunctions + """
        local now = now_ms()
        sweep(KEYS[1], KEYS[2], ARGV[5], now)
        local old = redis.call('HGET', KEYS[2], ARGV[1])
        redis.call('HSET', KEYS[2], ARGV[1], ARGV[2] .. '|' .. ARGV[3])
        redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
        if not old then
          redis.call(publish, ARGV[5], 'J|' .. ARGV[3])
        elseif member_of(old) ~= ARGV[3] then
          redis.call(publish, ARGV[5], 'U|' .. ARGV[3])
        end
        return 1
        """);

    /// <summary>
    /// KEYS: leases, members. ARGV: id, owner token, member json, lease ms, events channel. Joins only if no live entry
    /// holds the id (expired ones are swept first). Returns 1 when joined, 0 when taken.
    /// </summary>
    public static readonly RedisScript JoinExclusive = new("presence-join-exclusive", publishes: true, text: PresenceFunctions + """
        local now = now_ms()
        sweep(KEYS[1], KEYS[2], ARGV[5], now)
        if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then
          return 0
        end
        redis.call('HSET', KEYS[2], ARGV[1], ARGV[2] .. '|' .. ARGV[3])
        redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
        redis.call(publish, ARGV[5], 'J|' .. ARGV[3])
        return 1
        """);

    /// <summary>KEYS: leases, members. ARGV: id, owner token, events channel. Leaves only if still the owner's entry.</summary>
    public static readonly RedisScript Leave = new("presence-leave", publishes: true, text: PresenceFunctions + """
        local v = redis.call('HGET', KEYS[2], ARGV[1])
        if v and owned_by(v, ARGV[2]) then
          redis.call('HDEL', KEYS[2], ARGV[1])
          redis.call('ZREM', KEYS[1], ARGV[1])
          redis.call(publish, ARGV[3], 'L|' .. member_of(v))
          return 1
        end
        return 0
        """);

    /// <summary>
    /// KEYS: leases, members. ARGV: lease ms, events channel, then (id, owner token, member json) per member this node
    /// holds in the set. Extends the leases of the members it still owns; puts back (as a join) those that expired
    /// while it was cut off; leaves alone ids that joined again elsewhere.
    /// </summary>
    public static readonly RedisScript Renew = new("presence-renew", publishes: true, text: PresenceFunctions + """
        local now = now_ms()
        sweep(KEYS[1], KEYS[2], ARGV[2], now)
        local expiry = now + tonumber(ARGV[1])
        local renewed = 0
        for i = 3, #ARGV, 3 do
          local id, token, json = ARGV[i], ARGV[i + 1], ARGV[i + 2]
          local v = redis.call('HGET', KEYS[2], id)
          if not v then
            redis.call('HSET', KEYS[2], id, token .. '|' .. json)
            redis.call('ZADD', KEYS[1], expiry, id)
            redis.call(publish, ARGV[2], 'J|' .. json)
            renewed = renewed + 1
          elseif owned_by(v, token) then
            redis.call('ZADD', KEYS[1], expiry, id)
            renewed = renewed + 1
          end
        end
        return renewed
        """);

    /// <summary>KEYS: leases, members. ARGV: events channel. Removes expired members, returns the members (json).</summary>
    public static readonly RedisScript Members = new("presence-members", publishes: true, text: PresenceFunctions + """
        sweep(KEYS[1], KEYS[2], ARGV[1], now_ms())
        local values = redis.call('HVALS', KEYS[2])
        local out = {}
        for i, v in ipairs(values) do out[i] = member_of(v) end
        return out
        """);

    /// <summary>KEYS: leases, members. ARGV: id, events channel. Sweeps, then returns the member with the id, or nil.</summary>
    public static readonly RedisScript Member = new("presence-member", publishes: true, text: PresenceFunctions + """
        sweep(KEYS[1], KEYS[2], ARGV[2], now_ms())
        local v = redis.call('HGET', KEYS[2], ARGV[1])
        if not v then return false end
        return member_of(v)
        """);

    /// <summary>KEYS: leases, members. ARGV: events channel. Removes expired members; returns how many.</summary>
    public static readonly RedisScript Sweep = new("presence-sweep", publishes: true, text: PresenceFunctions + """
        return sweep(KEYS[1], KEYS[2], ARGV[1], now_ms())
        """);

    /// <summary>KEYS: queue. ARGV: payload, max length, wake-up channel. Fails with QUEUEFULL at the max length.</summary>
    public static readonly RedisScript Enqueue = new("enqueue", ordered: true, publishes: true, text: """
        if redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[2]) then
          return redis.error_reply('QUEUEFULL the queue holds its maximum number of items')
        end
        local id = redis.call('XADD', KEYS[1], '*', 'p', ARGV[1])
        redis.call(publish, ARGV[3], 'n')
        return id
        """);

    /// <summary>
    /// KEYS: queue. ARGV: group, consumer, released-consumer name, idle ms, wake-up channel. Hands a consumer's pending
    /// items to a pseudo-consumer with a long idle time, so any consumer's next claim takes them at once (the delivery
    /// count is kept), removes the consumer, wakes the others. Returns how many items were released.
    /// </summary>
    public static readonly RedisScript Release = new("release", publishes: true, text: """
        local total = 0
        while true do
          local p = redis.pcall('XPENDING', KEYS[1], ARGV[1], '-', '+', 500, ARGV[2])
          if type(p) ~= 'table' or p.err or #p == 0 then break end
          local args = { 'XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0 }
          for _, e in ipairs(p) do args[#args + 1] = e[1] end
          args[#args + 1] = 'IDLE'
          args[#args + 1] = ARGV[4]
          args[#args + 1] = 'JUSTID'
          redis.call(unpack(args))
          total = total + #p
          if #p < 500 then break end
        end
        redis.pcall('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
        if total > 0 then redis.call(publish, ARGV[5], 'r') end
        return total
        """);

    /// <summary>KEYS: queue. ARGV: group, consumer, id. Acknowledges only if the item is pending for that consumer.</summary>
    public static readonly RedisScript Ack = new("ack", """
        local p = redis.pcall('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
        if type(p) == 'table' and not p.err and p[1] and p[1][2] == ARGV[2] then
          redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
          return 1
        end
        return 0
        """);

    /// <summary>
    /// KEYS: queue. Drops the items every group is done with (below each group's oldest pending item and after its
    /// last delivered one). Nothing is dropped while the queue has no group: a new group starts at the oldest item.
    /// </summary>
    public static readonly RedisScript Trim = new("trim", """
        local function parse(id)
          local d = string.find(id, '-', 1, true)
          return tonumber(string.sub(id, 1, d - 1)), tonumber(string.sub(id, d + 1))
        end
        local function less(a, b)
          local am, as = parse(a)
          local bm, bs = parse(b)
          return am < bm or (am == bm and as < bs)
        end
        local groups = redis.pcall('XINFO', 'GROUPS', KEYS[1])
        if type(groups) ~= 'table' or groups.err or #groups == 0 then return 0 end
        local floor = nil
        for _, g in ipairs(groups) do
          local f = {}
          for i = 1, #g, 2 do f[g[i]] = g[i + 1] end
          local last = f['last-delivered-id']
          local d = string.find(last, '-', 1, true)
          local keep = string.sub(last, 1, d - 1) .. '-' .. string.format('%d', tonumber(string.sub(last, d + 1)) + 1)
          if f['pending'] > 0 then
            local summary = redis.call('XPENDING', KEYS[1], f['name'])
            if summary[2] and less(summary[2], keep) then keep = summary[2] end
          end
          if floor == nil or less(keep, floor) then floor = keep end
        end
        return redis.call('XTRIM', KEYS[1], 'MINID', floor)
        """);

    /// <summary>KEYS: model state (a hash: <c>v</c> version, <c>s</c> state, <c>at</c> id of the change that made it). Returns { v, s, at }.</summary>
    public static readonly RedisScript ModelRead = new("model-read", """
        local m = redis.call('HMGET', KEYS[1], 'v', 's', 'at')
        return { m[1] or '0', m[2] or '', m[3] or '0-0' }
        """);

    /// <summary>
    /// KEYS: model state, stream, meta. ARGV: expected version, state, change, max length, slack, live wake-up channel.
    /// Compare-and-set: when the stored version is the expected one, appends the change to the stream (trimming as
    /// <see cref="Append"/> does; a model's first version starts a new life of the stream), stores the state as the next
    /// version with the change's id, wakes live readers, and returns { 1, version, '', id }. Otherwise changes nothing
    /// and returns { 0, version, state, id } as stored.
    /// </summary>
    public static readonly RedisScript ModelWrite = new("model-write", publishes: true, text: AppendFunction + """
        local m = redis.call('HMGET', KEYS[1], 'v', 's', 'at')
        local v = tonumber(m[1] or '0')
        if v ~= tonumber(ARGV[1]) then
          return { 0, m[1] or '0', m[2] or '', m[3] or '0-0' }
        end
        if v == 0 then
          redis.call('DEL', KEYS[2], KEYS[3])
        end
        local id = append_entry(KEYS[2], KEYS[3], tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[3], '')
        local version = string.format('%d', v + 1)
        redis.call('HSET', KEYS[1], 'v', version, 's', ARGV[2], 'at', id)
        redis.call(publish, ARGV[6], id)
        return { 1, version, '', id }
        """);
}
