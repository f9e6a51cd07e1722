using RxStreams.Testing;
using static Microsoft.Playwright.Assertions;

namespace RxStreams.EndToEnd.Tests;

/// <summary>The chat with <c>--redis</c> stores what people write encrypted: Redis, read directly, holds no message text.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ProtectedChatTests(EndToEndFixture fixture)
{
    [Fact]
    public async Task Messages_written_on_two_nodes_are_read_in_clear_by_people_and_stored_encrypted_in_redis()
    {
        var redis = await fixture.RedisAsync();
        await using var first = await ChatServer.StartAsync(redis.ConnectionString);
        await using var second = await ChatServer.StartAsync(redis.ConnectionString);
        await using var alice = await ChatPage.SignInAsync(fixture.Browser, first.Url, "Alice");
        await using var bob = await ChatPage.SignInAsync(fixture.Browser, second.Url, "Bob");

        var secret = $"the eagle lands at midnight {Guid.NewGuid():N}";
        await alice.SendAsync(secret);
        await Expect(bob.Message(secret)).ToHaveCountAsync(1);
        await bob.SendAsync("re: " + secret);
        await Expect(alice.Message("re: " + secret)).ToHaveCountAsync(1);

        await using var raw = await RawRedis.ConnectAsync(redis.ConnectionString);
        Assert.NotEmpty(await raw.KeysAsync("rx:"));
        Assert.False(await raw.ContainsAsync("", secret), "A chat message is stored in Redis in clear.");
        Assert.Empty(alice.Errors);
        Assert.Empty(bob.Errors);
    }
}
