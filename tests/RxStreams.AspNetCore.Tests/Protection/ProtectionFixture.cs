using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RxStreams.Testing;

namespace RxStreams.AspNetCore.Tests.Protection;

/// <summary>
/// One redis-server and one data-protection key ring (a folder, shared by every host of the class as the nodes of an
/// application share theirs) for the stored-data protection tests. Each host uses a key prefix of its own.
/// </summary>
public sealed class ProtectionFixture : IAsyncLifetime
{
    private int _prefixes;

    public RedisServer Redis { get; private set; } = null!;

    public RawRedis Raw { get; private set; } = null!;

    public DirectoryInfo Keys { get; } = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "rxstreams-keys-" + Guid.NewGuid().ToString("N")[..12]));

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        Raw = await RawRedis.ConnectAsync(Redis.ConnectionString);
    }

    /// <summary>A key prefix no other host of the run uses.</summary>
    public string NewPrefix() => $"p{Interlocked.Increment(ref _prefixes)}x";

    /// <summary>
    /// A host on Redis under <paramref name="prefix"/>, with stored data protected (unless <paramref name="protect"/> is
    /// false), its data-protection keys in the shared folder. <paramref name="protectFirst"/> calls ProtectStoredData()
    /// before AddRedis(…), as an application may.
    /// </summary>
    public Task<KestrelHost> HostAsync(string prefix, bool protect = true, bool protectFirst = false, LogCollector? logs = null)
        => KestrelHost.StartAsync(configureServices: rx =>
        {
            rx.Services.AddDataProtection().SetApplicationName("rxstreams-protection-tests").PersistKeysToFileSystem(Keys);
            if (logs is not null)
            {
                rx.Services.AddSingleton<ILoggerProvider>(logs);
            }
            if (protect && protectFirst)
            {
                rx.ProtectStoredData();
            }
            rx.AddRedis(o =>
            {
                o.Configuration = Redis.ConnectionString;
                o.KeyPrefix = prefix;
            });
            if (protect && !protectFirst)
            {
                rx.ProtectStoredData();
            }
        });

    /// <summary>The Redis key of a durable channel's stream (the layout docs/redis.md describes).</summary>
    public static string StreamKey(string prefix, string channel) => $"{prefix}:{{{channel}}}:stream";

    /// <summary>The Redis key of a session.</summary>
    public static string SessionKey(string prefix, string sessionId) => $"{prefix}:{{session:{sessionId}}}:session";

    public async Task DisposeAsync()
    {
        await Raw.DisposeAsync();
        await Redis.DisposeAsync();
        Keys.Delete(recursive: true);
    }
}
