using System.Security.Cryptography;
using System.Text;

namespace RxStreams.Redis;

/// <summary>A Lua script run with <c>EVALSHA</c>, falling back to <c>EVAL</c> when the server does not hold it (after a restart).</summary>
internal sealed class RedisScript
{
    public RedisScript(string name, string text)
    {
        Name = name;
        Text = text;
        Sha1 = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>A name for logs.</summary>
    public string Name { get; }

    /// <summary>The Lua source.</summary>
    public string Text { get; }

    /// <summary>The SHA1 <c>EVALSHA</c> names it by.</summary>
    public string Sha1 { get; }

    /// <inheritdoc />
    public override string ToString() => Name;
}
