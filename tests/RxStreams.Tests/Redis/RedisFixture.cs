using RxStreams.Testing;
using StackExchange.Redis;

namespace RxStreams.Redis;

/// <summary>The Redis tests run one after another, sharing one redis-server (isolated by key prefix); tests that kill or restart Redis start their own.</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "Redis";
}

/// <summary>One redis-server for the collection, plus an admin connection for inspecting it.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private int _next;

    public RedisServer Server { get; private set; } = null!;

    public ConnectionMultiplexer Admin { get; private set; } = null!;

    public IDatabase Db => Admin.GetDatabase();

    /// <summary>A key prefix no other test uses.</summary>
    public string NewPrefix() => $"t{Interlocked.Increment(ref _next)}x{Guid.NewGuid().ToString("N")[..6]}";

    public async Task InitializeAsync()
    {
        Server = await RedisServer.StartAsync();
        Admin = await ConnectAdminAsync(Server);
    }

    public static async Task<ConnectionMultiplexer> ConnectAdminAsync(RedisServer server)
        => await ConnectionMultiplexer.ConnectAsync(server.ConnectionString + ",allowAdmin=true");

    public async Task DisposeAsync()
    {
        Admin?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}
