namespace RxStreams.Redis;

/// <summary>
/// A Lua script of the backplane, run with <c>ScriptEvaluateAsync</c>: StackExchange.Redis loads it once per server
/// and calls it by its SHA1 (<c>EVALSHA</c>), sending it again when a restarted server answers <c>NOSCRIPT</c>; or
/// always as <c>EVAL</c> when <see cref="Ordered"/>.
/// </summary>
internal sealed class RedisScript
{
    public RedisScript(string name, string text, bool ordered = false, bool publishes = false)
    {
        Name = name;
        // A script that publishes takes the publish command (PUBLISH, or SPUBLISH for sharded pub/sub) as its last
        // argument: the backplane appends it, the script takes it off before reading the others.
        Text = publishes ? "local publish = table.remove(ARGV)\n" + text : text;
        Ordered = ordered;
        Publishes = publishes;
    }

    /// <summary>A name for logs and errors.</summary>
    public string Name { get; }

    /// <summary>The Lua source.</summary>
    public string Text { get; }

    /// <summary>
    /// Always sent as <c>EVAL</c> (text, <c>CommandFlags.NoScriptCache</c>): calls issued in order must run in order, and
    /// the <c>NOSCRIPT</c> retry could let a later call overtake an earlier one right after a Redis restart or a
    /// failover (the earlier one is re-sent as <c>EVAL</c> after the later one went out and succeeded). Used for
    /// appends and enqueues.
    /// </summary>
    public bool Ordered { get; }

    /// <summary>The script publishes (with the command in its local <c>publish</c>): the publish command is appended to its arguments.</summary>
    public bool Publishes { get; }

    /// <inheritdoc />
    public override string ToString() => Name;
}
