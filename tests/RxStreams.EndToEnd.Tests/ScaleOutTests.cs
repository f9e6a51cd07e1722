using static Microsoft.Playwright.Assertions;

namespace RxStreams.EndToEnd.Tests;

/// <summary>
/// Two instances of the chat share one Redis, or one Redis Cluster (given as the README says, <c>--redis
/// host1:p1,host2:p2,host3:p3</c>); a browser whose instance stops carries on on the other.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ScaleOutTests(EndToEndFixture fixture)
{
    [Theory]
    [InlineData("single")]
    [InlineData("cluster")]
    public async Task Users_on_two_instances_chat_and_one_moves_to_the_other_when_its_instance_stops(string redis)
    {
        var configuration = redis == "cluster"
            ? string.Join(",", (await fixture.ClusterAsync()).Nodes.Take(3).Select(n => $"127.0.0.1:{n.Port}"))
            : (await fixture.RedisAsync()).ConnectionString;
        await using var first = await ChatServer.StartAsync(configuration);
        await using var second = await ChatServer.StartAsync(configuration);
        // Each user's front door prefers "their" instance and fails over to the other, as a load balancer would.
        await using var aliceDoor = new FrontDoor(first.Port, second.Port);
        await using var bobDoor = new FrontDoor(second.Port, first.Port);
        await using var alice = await ChatPage.SignInAsync(fixture.Browser, aliceDoor.Url, "Alice");
        await using var bob = await ChatPage.SignInAsync(fixture.Browser, bobDoor.Url, "Bob");

        var aliceSockets = 0;
        alice.Page.WebSocket += (_, _) => Interlocked.Increment(ref aliceSockets);
        await Expect(alice.Person("Bob")).ToBeVisibleAsync();
        await Expect(bob.Person("Alice")).ToBeVisibleAsync();
        await alice.SendAsync("hello from instance 1");
        await Expect(bob.Message("hello from instance 1")).ToHaveCountAsync(1);
        await bob.SendAsync("hello from instance 2");
        await Expect(alice.Message("hello from instance 2")).ToHaveCountAsync(1);

        // Alice's instance goes away. Bob keeps talking; Alice's page reconnects (through her door, to the second
        // instance, with the cookie the first one issued) and resumes the room after the last message it saw.
        await first.StopAsync();
        await bob.SendAsync("did you miss this?");
        await bob.SendAsync("or this?");
        await Expect(alice.Message("did you miss this?")).ToHaveCountAsync(1);
        await Expect(alice.Message("or this?")).ToHaveCountAsync(1);
        await Expect(alice.Banner).ToBeHiddenAsync();
        Assert.True(Volatile.Read(ref aliceSockets) >= 1, "Alice's page opened no new WebSocket: it never moved.");
        await alice.SendAsync("still here, on instance 2");
        await Expect(bob.Message("still here, on instance 2")).ToHaveCountAsync(1);

        string[] all = ["hello from instance 1", "hello from instance 2", "did you miss this?", "or this?", "still here, on instance 2"];
        foreach (var page in new[] { alice, bob })
        {
            foreach (var text in all)
            {
                await Expect(page.Message(text)).ToHaveCountAsync(1);
            }
            await Expect(page.Log.Locator(".message")).ToHaveCountAsync(all.Length);
            Assert.Empty(page.Errors);
        }
        await Expect(bob.Person("Alice")).ToBeVisibleAsync();
        await Expect(alice.Person("Bob")).ToBeVisibleAsync();
    }
}
