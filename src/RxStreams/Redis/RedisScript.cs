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
        // A script that publishes does it with its local `publish`: PUBLISH in one text, SPUBLISH (sharded pub/sub) in
        // the other. The mode is the connection's, not the call's: no call carries it.
        Text = publishes ? "local publish = 'PUBLISH'\n" + text : text;
        ShardedText = publishes ? "local publish = 'SPUBLISH'\n" + text : text;
        Ordered = ordered;
    }

    /// <summary>A name for logs and errors.</summary>
    public string Name { get; }

    /// <summary>The Lua source, publishing with <c>PUBLISH</c> if it publishes.</summary>
    public string Text { get; }

    /// <summary>The Lua source, publishing with <c>SPUBLISH</c> if it publishes (the same as <see cref="Text"/> if not).</summary>
    public string ShardedText { get; }

    /// <summary>The source for a pub/sub mode.</summary>
    public string TextFor(bool shardedPubSub) => shardedPubSub ? ShardedText : Text;

    /// <summary>
    /// Always sent as <c>EVAL</c> (text, <c>CommandFlags.NoScriptCache</c>): calls issued in order must run in order, and
    /// the <c>NOSCRIPT</c> retry could let a later call overtake an earlier one right after a Redis restart or a
    /// failover (the earlier one is re-sent as <c>EVAL</c> after the later one went out and succeeded). Used for
    /// appends and enqueues.
    /// </summary>
    public bool Ordered { get; }

    /// <inheritdoc />
    public override string ToString() => Name;
}
