using System.Security.Cryptography;
using System.Text;

namespace RxStreams.Redis;

/// <summary>
/// A Lua script run with <c>EVALSHA</c>, falling back to <c>EVAL</c> when the server does not hold it (after a
/// restart); or always with <c>EVAL</c> when <see cref="Ordered"/>.
/// </summary>
internal sealed class RedisScript
{
    public RedisScript(string name, string text, bool ordered = false)
    {
        Name = name;
        Text = text;
        Ordered = ordered;
        Sha1 = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>A name for logs.</summary>
    public string Name { get; }

    /// <summary>The Lua source.</summary>
    public string Text { get; }

    /// <summary>
    /// Always sent as <c>EVAL</c> (text): calls issued in order must run in order, and the <c>NOSCRIPT</c> fallback
    /// could let a later call overtake an earlier one right after a Redis restart (the earlier one is re-sent as
    /// <c>EVAL</c> after the later <c>EVALSHA</c> went out and succeeded). Used for appends and enqueues.
    /// </summary>
    public bool Ordered { get; }

    /// <summary>The SHA1 <c>EVALSHA</c> names it by.</summary>
    public string Sha1 { get; }

    /// <inheritdoc />
    public override string ToString() => Name;
}
