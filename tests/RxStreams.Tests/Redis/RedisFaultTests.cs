using System.Collections.Concurrent;
using System.Diagnostics;
using RxStreams.Redis;
using RxStreams.Testing;
using RxStreams.Tests.Backplanes;
using Xunit.Abstractions;

namespace RxStreams.Tests.Redis;

/// <summary>Redis killed and restarted under the backplane. Each test has its own redis-server.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private RedisNode Node(RedisServer server, string prefix, Action<RedisBackplaneOptions>? configure = null)
        => RedisNode.Start(server.ConnectionString, prefix, output, o =>
        {
            o.OperationTimeout = Timeout;
            configure?.Invoke(o);
        });

    [Fact]
    public async Task Every_acknowledged_publish_survives_a_Redis_restart_and_is_delivered_exactly_once()
    {
        await using var server = await RedisServer.StartAsync(appendOnly: true);
        await using var a = Node(server, "f");
        await using var b = Node(server, "f");
        var received = new Recorder<StreamItem<long>>();
        using var subscription = b.Hub.Channel<long>("orders").From(StreamOffset.Start).Subscribe(received);

        var publisher = AppendLoop.Start(a.Hub.Channel<long>("orders"), TimeSpan.FromMilliseconds(20));
        await using (publisher)
        {
            await Wait.UntilAsync(() => publisher.Acknowledged.Count >= 300, "300 publishes are acknowledged");
            await server.KillAsync();
            await Wait.UntilAsync(() => publisher.Failures >= 5, "publishes fail while Redis is down");
            await server.RestartAsync();
            var atRestart = publisher.Acknowledged.Count;
            await Wait.UntilAsync(() => publisher.Acknowledged.Count >= atRestart + 300, "publishing works again after the restart");
        }
        var acknowledged = publisher.Acknowledged;

        var expected = acknowledged.Keys.ToHashSet();
        await Wait.UntilAsync(() => expected.IsSubsetOf(received.Items.Select(x => x.Value)) || received.Error is not null, "node B receives every acknowledged item");
        Assert.Null(received.Error);
        var items = received.Items;
        output.WriteLine($"{acknowledged.Count} acknowledged, {publisher.Failures} failed (slowest failure {publisher.SlowestFailure.TotalMilliseconds:0} ms), {items.Count} received");
        Assert.Equal(items.Count, items.Select(x => x.Value).Distinct().Count());
        Assert.All(items, x => Assert.True(publisher.Attempted.ContainsKey(x.Value)));
        Assert.Equal(items.Select(x => x.Offset).Order(), items.Select(x => x.Offset));
        Assert.All(acknowledged, kv => Assert.Equal(kv.Value, items.Single(x => x.Value == kv.Key).Offset));
        Assert.True(publisher.SlowestFailure < Timeout + TimeSpan.FromSeconds(1.5), $"a failing publish took {publisher.SlowestFailure}");
    }

    [Fact]
    public async Task Ephemeral_channels_work_across_nodes_and_resubscribe_after_a_Redis_restart()
    {
        await using var server = await RedisServer.StartAsync();
        await using var a = Node(server, "f");
        await using var b = Node(server, "f");
        var got = new Recorder<string>();
        using var subscription = b.Hub.Ephemeral<string>("typing").Subscribe(got);
        var typing = a.Hub.Ephemeral<string>("typing");
        await EphemeralOrder.AssertCrossesInOrderAsync(typing, got, 100);

        // A durable live subscriber too: without persistence the channel's history is gone after the restart.
        await a.Hub.Channel<long>("log").PublishAsync(1);
        var live = new Recorder<StreamItem<long>>();
        using var liveSubscription = b.Hub.Channel<long>("log").From(StreamOffset.Start).Subscribe(live);
        await Wait.UntilAsync(() => live.Count == 1, "the durable subscriber is live");

        await server.KillAsync();
        await Assert.ThrowsAsync<BackplaneUnavailableException>(async () => await typing.PublishAsync("lost"));
        await server.RestartAsync();
        await Wait.UntilAsync(async () =>
        {
            try
            {
                await typing.PublishAsync("after");
            }
            catch (BackplaneUnavailableException)
            {
            }
            return got.Items.Contains("after");
        }, "node B receives messages again after the restart");
        Assert.Null(got.Error);

        await a.Hub.Channel<long>("log").PublishAsync(2);
        await Wait.UntilAsync(() => live.Error is not null, "the durable subscriber is told the history it followed is gone");
        Assert.IsType<StreamNotRecoveredException>(live.Error);
    }

    [Fact]
    public async Task A_channel_first_subscribed_while_Redis_is_down_leaves_no_subscription_behind_once_left()
    {
        await using var server = await RedisServer.StartAsync();
        var log = new RecordingOutput(output);
        await using var a = RedisNode.Start(server.ConnectionString, "f", log, o => o.OperationTimeout = Timeout);
        await using var b = Node(server, "f");
        await a.Hub.Ephemeral<string>("warm-up").PublishAsync("x");
        await server.KillAsync();
        await Wait.UntilAsync(() => !a.Backplane.IsConnected, "node A sees the connection down");

        // Subscribed during the outage: the subscribe fails (event 3007) and is tried again until Redis is back.
        var got = new Recorder<string>();
        var subscription = a.Hub.Ephemeral<string>("typing").Subscribe(got);
        await Wait.UntilAsync(() => log.Logged(3007), "node A's subscribe fails while Redis is down");
        await server.RestartAsync();
        await Wait.UntilAsync(async () =>
        {
            try
            {
                await b.Hub.Ephemeral<string>("typing").PublishAsync("hello");
            }
            catch (BackplaneUnavailableException)
            {
            }
            return got.Items.Contains("hello");
        }, "node A's subscription works once Redis is back");

        // Left: no failed attempt may still hold the channel on Redis (and buffer its messages in the client).
        subscription.Dispose();
        var channel = new RedisKeys("f").Ephemeral("typing");
        await using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        await Wait.UntilAsync(async () =>
        {
            var numsub = (StackExchange.Redis.RedisResult[])(await admin.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", channel))!;
            return (long)numsub[1] == 0;
        }, "Redis holds no subscription to the channel any more");
    }

    [Fact]
    public async Task A_hung_Redis_makes_calls_fail_within_the_timeout_and_everything_resumes_after()
    {
        await using var server = await RedisServer.StartAsync();
        await using var a = Node(server, "f");
        await using var b = Node(server, "f");
        var received = new Recorder<StreamItem<long>>();
        using var subscription = b.Hub.Channel<long>("c").From(StreamOffset.Start).Subscribe(received);
        await a.Hub.Channel<long>("c").PublishAsync(1);
        await Wait.UntilAsync(() => received.Count == 1, "the subscriber is live");

        await server.PauseAsync();
        try
        {
            var sw = Stopwatch.StartNew();
            await Assert.ThrowsAsync<BackplaneUnavailableException>(async () => await a.Hub.Channel<long>("c").PublishAsync(2));
            await Assert.ThrowsAsync<BackplaneUnavailableException>(async () => await a.Backplane.GetPresenceAsync("p", default));
            output.WriteLine($"two calls to a hung Redis failed after {sw.Elapsed.TotalMilliseconds:0} ms (timeout {Timeout.TotalMilliseconds} ms each)");
            Assert.True(sw.Elapsed < Timeout * 2 + TimeSpan.FromSeconds(2), $"calls to a hung Redis fail within the timeout ({sw.Elapsed})");
        }
        finally
        {
            await server.ResumeAsync();
        }

        // The timed-out publish reached Redis and is applied once it wakes up: "may or may not have been applied".
        var third = await a.Hub.Channel<long>("c").PublishAsync(3);
        await Wait.UntilAsync(() => received.Items.Any(x => x.Offset == third), "the subscriber goes on after Redis wakes up");
        Assert.Null(received.Error);
        Assert.Equal(received.Items.Select(x => x.Offset).Order(), received.Items.Select(x => x.Offset));
    }

    [Fact]
    public async Task Consumers_and_presence_watchers_resume_by_themselves_after_a_Redis_restart()
    {
        await using var server = await RedisServer.StartAsync(appendOnly: true);
        await using var a = Node(server, "f", o => o.PresenceLease = TimeSpan.FromSeconds(10));
        await using var b = Node(server, "f", o => o.PresenceLease = TimeSpan.FromSeconds(10));
        var done = new ConcurrentDictionary<long, bool>();
        using var consumer = b.Hub.Queue<long>("jobs").Consume("g", "b").Subscribe(item => _ = AckAsync(item));
        async Task AckAsync(WorkItem<long> item)
        {
            if (await item.AckAsync())
            {
                done[item.Value] = true;
            }
        }
        var events = new Recorder<PresenceEvent>();
        using var watch = b.Hub.Presence("room").Watch().Subscribe(events);
        await using var alice = await a.Hub.Presence("room").JoinAsync(new PresenceMember("c1", "alice"));
        for (var i = 0; i < 10; i++)
        {
            await a.Hub.Queue<long>("jobs").EnqueueAsync(i);
        }
        await Wait.UntilAsync(() => done.Count == 10, "the first ten items are processed");
        await Wait.UntilAsync(() => events.Items.Any(e => e.Member?.Id == "c1" || e.Members?.Any(m => m.Id == "c1") == true), "node B sees alice");

        await server.KillAsync();
        await server.RestartAsync();

        for (var i = 10; i < 20; i++)
        {
            var value = i;
            await Wait.UntilAsync(async () =>
            {
                try
                {
                    await a.Hub.Queue<long>("jobs").EnqueueAsync(value);
                    return true;
                }
                catch (BackplaneUnavailableException)
                {
                    return false;
                }
            }, $"item {i} is enqueued after the restart");
        }
        await Wait.UntilAsync(() => done.Count == 20, "the consumer processes the items enqueued after the restart");
        await using var bob = await a.Hub.Presence("room").JoinAsync(new PresenceMember("c2", "bob"));
        await Wait.UntilAsync(() => events.Items.Any(e => e.Kind == PresenceEventKind.Joined && e.Member?.Id == "c2"), "node B's watcher hears joins after the restart");
        Assert.Contains(await b.Hub.Presence("room").GetMembersAsync(), m => m.Id == "c1");
        Assert.Null(events.Error);
    }

    [Fact]
    public async Task A_node_starts_while_Redis_is_down_and_works_once_it_is_up()
    {
        await using var server = await RedisServer.StartAsync();
        await server.KillAsync();
        // The connection comes from the factory option, as an application sharing its own settings would do it.
        await using var a = Node(server, "f", o =>
        {
            o.Configuration = null;
            o.ConnectionFactory = async log => await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(server.ConnectionString, log);
        });
        await using var b = Node(server, "f");
        var received = new Recorder<StreamItem<long>>();
        using var subscription = b.Hub.Channel<long>("c").From(StreamOffset.Start).Subscribe(received);
        await Assert.ThrowsAsync<BackplaneUnavailableException>(async () => await a.Hub.Channel<long>("c").PublishAsync(1));

        await server.RestartAsync();
        await Wait.UntilAsync(async () =>
        {
            try
            {
                await a.Hub.Channel<long>("c").PublishAsync(2);
                return true;
            }
            catch (BackplaneUnavailableException)
            {
                return false;
            }
        }, "publishing works once Redis is up");
        await Wait.UntilAsync(() => received.Items.Any(x => x.Value == 2), "the subscriber that started while Redis was down receives it");
        Assert.Null(received.Error);
    }

    [Fact]
    public async Task Waiting_for_the_connection_rides_out_a_short_outage()
    {
        await using var server = await RedisServer.StartAsync(appendOnly: true);
        await using var a = Node(server, "f", o =>
        {
            o.WhileDisconnected = RedisDisconnectedBehavior.WaitForConnection;
            o.OperationTimeout = TimeSpan.FromSeconds(20);
        });
        var first = await a.Hub.Channel<long>("c").PublishAsync(1);
        await server.KillAsync();
        // A command sent just before the connection is seen down fails (it may have been applied); after, it waits.
        await Wait.UntilAsync(() => !a.Backplane.IsConnected, "node A sees the connection down");
        var publish = a.Hub.Channel<long>("c").PublishAsync(2).AsTask();
        await server.RestartAsync();
        var second = await Wait.ForAsync(publish, "the publish issued during the outage completes once Redis is back");
        Assert.True(second > first);
        var page = await a.Backplane.ReadAsync("c", StreamOffset.Start, 10, default);
        Assert.Equal([first, second], page.Entries.Select(e => e.Offset));
    }
}
