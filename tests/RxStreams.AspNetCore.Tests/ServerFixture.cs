using RxStreams.Testing;

namespace RxStreams.AspNetCore.Tests;

/// <summary>One Kestrel host shared by the tests of a class (starting one per test would waste the two cores).</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public KestrelHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await KestrelHost.StartAsync(o =>
    {
        o.MaxStreamsPerConnection = 200;
        o.MaxMessagesPerSecond = 100_000;
        o.MessageBurst = 100_000;
    });

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
