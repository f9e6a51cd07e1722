using Microsoft.Extensions.Logging;
using RxStreams.Channels;
using RxStreams.Redis;
using Xunit.Abstractions;

namespace RxStreams.Tests.Redis;

/// <summary>A "node" of a test: a RedisBackplane and a StreamHub over it, as one server process would have.</summary>
public sealed class RedisNode : IAsyncDisposable
{
    private RedisNode(RedisBackplane backplane, StreamHub hub)
    {
        Backplane = backplane;
        Hub = hub;
    }

    public RedisBackplane Backplane { get; }

    public StreamHub Hub { get; }

    public static RedisNode Start(string connectionString, string prefix, ITestOutputHelper? output = null, Action<RedisBackplaneOptions>? configure = null, Action<StreamHubOptions>? hub = null)
    {
        var options = new RedisBackplaneOptions { Configuration = connectionString, KeyPrefix = prefix };
        configure?.Invoke(options);
        var backplane = new RedisBackplane(options, output is null ? null : new TestLogger<RedisBackplane>(output));
        var hubOptions = new StreamHubOptions { RetryDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromMilliseconds(500) };
        hub?.Invoke(hubOptions);
        return new RedisNode(backplane, new StreamHub(backplane, hubOptions, output is null ? null : new TestLogger<StreamHub>(output)));
    }

    public ValueTask DisposeAsync() => Backplane.DisposeAsync();
}
