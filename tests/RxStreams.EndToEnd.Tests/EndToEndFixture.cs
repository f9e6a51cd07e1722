using Microsoft.Playwright;
using RxStreams.Testing;

namespace RxStreams.EndToEnd.Tests;

/// <summary>
/// What the whole run shares: one Playwright, one headless chromium (each simulated user gets a browser context of
/// its own), one redis-server and one Redis Cluster, each started the first time a test asks for it.
/// </summary>
public sealed class EndToEndFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim _redisLock = new(1, 1);
    private RedisServer? _redis;
    private RedisCluster? _cluster;

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(20_000);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            // A fake camera and microphone, granted without asking, for the chat's calls (WebRTC on loopback needs no STUN).
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"],
        });
    }

    /// <summary>The run's redis-server.</summary>
    public async Task<RedisServer> RedisAsync()
    {
        await _redisLock.WaitAsync();
        try
        {
            return _redis ??= await RedisServer.StartAsync();
        }
        finally
        {
            _redisLock.Release();
        }
    }

    /// <summary>The run's Redis Cluster (3 masters, 3 replicas).</summary>
    public async Task<RedisCluster> ClusterAsync()
    {
        await _redisLock.WaitAsync();
        try
        {
            return _cluster ??= await RedisCluster.StartAsync();
        }
        finally
        {
            _redisLock.Release();
        }
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
        await Browser.DisposeAsync();
        Playwright.Dispose();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
        _redisLock.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<EndToEndFixture>
{
    public const string Name = "end-to-end";
}
