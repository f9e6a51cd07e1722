using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using RxStreams.AspNetCore.Admin;
using RxStreams.Channels;
using RxStreams.Protocol;
using RxStreams.Testing;

namespace RxStreams.AspNetCore.Tests.Admin;

/// <summary>
/// <c>MapRxStreamsAdmin</c> on real Kestrel hosts: refused without a policy, the page and the <c>$admin</c> stream for
/// the policy's users only, figures that follow clients, and two nodes on a real redis-server that see each other.
/// </summary>
public sealed class AdminPageTests
{
    private const string Policy = "admins";
    private static readonly Dictionary<string, string> s_admin = new() { ["X-Test-User"] = "root", ["X-Test-Roles"] = "admin" };
    private static readonly Dictionary<string, string> s_user = new() { ["X-Test-User"] = "ann" };

    [Fact]
    public async Task Mapping_it_without_a_policy_is_refused_with_a_clear_error_and_nothing_is_served()
    {
        var errors = new List<Exception>();
        await using var host = await KestrelHost.StartAsync(
            configureServices: AddAuth,
            configureApp: app =>
            {
                foreach (var policy in new[] { null!, "", "   " })
                {
                    errors.Add(Assert.ThrowsAny<ArgumentException>(() => app.MapRxStreamsAdmin("/rx/admin", policy)));
                }
                errors.Add(Assert.Throws<InvalidOperationException>(() => app.MapRxStreamsAdmin("/rx/admin", "no-such-policy")));
                errors.Add(Assert.Throws<ArgumentOutOfRangeException>(() => app.MapRxStreamsAdmin("/rx/admin", Policy, o => o.SnapshotInterval = TimeSpan.FromMilliseconds(10))));
                errors.Add(Assert.Throws<ArgumentOutOfRangeException>(() => app.MapRxStreamsAdmin("/rx/admin", Policy, o => o.NodeExpiry = o.SnapshotInterval)));
            });

        foreach (var blank in errors.Take(3))
        {
            Assert.Equal("policy", ((ArgumentException)blank).ParamName);
            Assert.Contains("needs an authorization policy", blank.Message, StringComparison.Ordinal);
        }
        Assert.Contains("No authorization policy is named 'no-such-policy'", errors[3].Message, StringComparison.Ordinal);
        Assert.Equal(nameof(RxStreamsAdminOptions.SnapshotInterval), ((ArgumentException)errors[4]).ParamName);
        Assert.Equal(nameof(RxStreamsAdminOptions.NodeExpiry), ((ArgumentException)errors[5]).ParamName);

        // None of the refused calls left anything behind: no page, no stream, even for an admin.
        using var http = Http(host, s_admin);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/rx/admin")).StatusCode);
        await using var client = await RawClient.ConnectAsync(host.Endpoint, headers: s_admin);
        await client.OpenAsync(1, "$admin");
        Assert.Equal("route_not_found", (await client.ReceiveUntilAsync(f => f.Type == FrameType.Error)).Code);
    }

    [Fact]
    public void Mapping_it_without_AddRxStreams_or_twice_is_refused()
    {
        var bare = WebApplication.CreateSlimBuilder().Build();
        var missing = Assert.Throws<InvalidOperationException>(() => bare.MapRxStreamsAdmin("/rx/admin", Policy));
        Assert.Contains("AddRxStreams()", missing.Message, StringComparison.Ordinal);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddRxStreams();
        AddAuth(builder.Services);
        var app = builder.Build();
        app.MapRxStreamsAdmin("/rx/admin", Policy);
        var twice = Assert.Throws<InvalidOperationException>(() => app.MapRxStreamsAdmin("/rx/other", Policy));
        Assert.Contains("already called", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_and_the_stream_admit_only_the_users_of_the_policy()
    {
        await using var host = await StartAsync();

        using (var anonymous = Http(host))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/rx/admin")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/rx/admin/admin.js")).StatusCode);
        }
        using (var user = Http(host, s_user))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync("/rx/admin")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync("/rx/admin/admin.js")).StatusCode);
        }
        using (var admin = Http(host, s_admin))
        {
            var page = await admin.GetAsync("/rx/admin");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains(RxStreamsBrowserClient.ImportMap("/rx"), html, StringComparison.Ordinal);
            Assert.Contains("""<script type="module" src="/rx/admin/admin.js">""", html, StringComparison.Ordinal);
            Assert.Contains("""data-rx="/rx" """.TrimEnd(), html, StringComparison.Ordinal);
            var script = await admin.GetAsync("/rx/admin/admin.js");
            Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
            Assert.Contains("rx.open(\"$admin\")", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Over the protocol, the stream itself is guarded by the same policy.
        await using (var anonymous = await RawClient.ConnectAsync(host.Endpoint))
        {
            await anonymous.OpenAsync(1, "$admin");
            Assert.Equal("unauthorized", (await anonymous.ReceiveUntilAsync(f => f.Type == FrameType.Error)).Code);
        }
        await using (var user = await RawClient.ConnectAsync(host.Endpoint, headers: s_user))
        {
            await user.OpenAsync(1, "$admin");
            var refused = await user.ReceiveUntilAsync(f => f.Type == FrameType.Error);
            Assert.Equal((1u, "forbidden"), (refused.StreamId, refused.Code));
            await user.AssertAliveAsync(3);
        }
        await using var adminClient = await RawClient.ConnectAsync(host.Endpoint, headers: s_admin);
        await adminClient.OpenAsync(1, "$admin");
        var view = await NextViewAsync(adminClient, v => v.Nodes.Length == 1);
        Assert.Equal(NodeId(host), view.Node);
        Assert.Equal(NodeId(host), view.Nodes[0].Node);
        Assert.Equal("node-a", view.Nodes[0].Name);
        Assert.Equal("memory", view.Nodes[0].Backplane);
    }

    [Fact]
    public async Task The_figures_follow_clients_that_connect_open_streams_and_publish()
    {
        await using var host = await StartAsync();
        await using var admin = await RawClient.ConnectAsync(host.Endpoint, headers: s_admin);
        await admin.OpenAsync(1, "$admin");
        var before = await NextViewAsync(admin, v => v.Nodes.Length == 1 && v.Nodes[0].Connections == 1 && v.Nodes[0].Streams == 1);
        Assert.DoesNotContain(before.Nodes[0].Channels, c => c.Name == "room:lobby");

        await using var first = await RawClient.ConnectAsync(host.Endpoint);
        await using var second = await RawClient.ConnectAsync(host.Endpoint);
        await first.OpenAsync(1, "room/lobby");
        await second.OpenAsync(1, "room/lobby");
        await NextViewAsync(admin, v => v.Nodes[0] is { Connections: 3, Streams: 3 } n
            && n.Channels.Any(c => c is { Name: "room:lobby", Durable: true, Subscribers: 2 }));

        // Publishing moves the channel's count and rate, and the node's items per second.
        using var publishing = new CancellationTokenSource();
        var publisher = Task.Run(async () =>
        {
            for (var i = 0; !publishing.IsCancellationRequested; i++)
            {
                await first.NextAsync(1, $$"""{"text":"hello {{i}}"}""");
                await Task.Delay(20);
            }
        });
        var moving = await NextViewAsync(admin, v => v.Nodes[0].ItemsPerSecond > 0
            && v.Nodes[0].Channels.Any(c => c is { Name: "room:lobby", Items: >= 10, Rate: > 0 }));
        Assert.True(moving.Nodes[0].Channels.Single(c => c.Name == "room:lobby").Rate <= moving.Nodes[0].ItemsPerSecond + 0.01);
        await publishing.CancelAsync();
        await publisher;

        // Leaving shows too, and the rate falls back to zero once nothing is published.
        await second.DisposeAsync();
        await NextViewAsync(admin, v => v.Nodes[0] is { Connections: 2 } n
            && n.Channels.Any(c => c is { Name: "room:lobby", Subscribers: 1, Rate: 0 }));
    }

    [Fact]
    public async Task Presence_members_work_queues_and_client_hosted_servers_show_in_the_view()
    {
        await using var host = await StartAsync();
        var hub = host.Services.GetRequiredService<IStreamHub>();
        await using var admin = await RawClient.ConnectAsync(host.Endpoint, headers: s_admin);
        await admin.OpenAsync(1, "$admin");

        // Two members joined here; one leaves.
        var lobby = hub.Presence("lobby");
        var ann = await lobby.JoinAsync(new PresenceMember("c1", "ann"));
        var bob = await lobby.JoinAsync(new PresenceMember("c2", "bob"));
        await NextViewAsync(admin, v => v.Nodes[0].Presence.Any(p => p is { Name: "lobby", Members: 2 }));
        await bob.DisposeAsync();
        await bob.DisposeAsync(); // leaving twice counts once
        await NextViewAsync(admin, v => v.Nodes[0].Presence.Any(p => p is { Name: "lobby", Members: 1 }));
        await ann.DisposeAsync();

        // Three jobs, one consumer that acknowledges two of them.
        var jobs = hub.Queue<Tick>("jobs");
        for (var i = 0; i < 3; i++)
        {
            await jobs.EnqueueAsync(new Tick(i));
        }
        var acknowledged = 0;
        using (jobs.Consume("workers", "w1").Subscribe(item =>
        {
            if (Interlocked.Increment(ref acknowledged) <= 2)
            {
                _ = item.AckAsync();
            }
        }))
        {
            await NextViewAsync(admin, v => v.Nodes[0].Queues.Any(q => q is { Name: "jobs", Consumers: 1, Enqueued: 3, Delivered: 3, Acknowledged: 2 }));
        }
        await NextViewAsync(admin, v => v.Nodes[0].Queues.Any(q => q is { Name: "jobs", Consumers: 0 }));

        // A client becomes the server "printer": it shows with its connection, until it stops listening.
        await using var printer = await RawClient.ConnectAsync(host.Endpoint);
        await printer.OpenAsync(1, "$listen/printer");
        Assert.Equal(FrameType.Next, (await printer.ReceiveUntilAsync(f => f.Type != FrameType.Ping)).Type);
        var hosting = await NextViewAsync(admin, v => v.Nodes[0].Servers.Any(s => s.Name == "printer"));
        Assert.Contains(host.Services.GetConnectionHandler().Connections, c => c.ConnectionId == hosting.Nodes[0].Servers.Single().Connection);
        await printer.CancelAsync(1);
        await NextViewAsync(admin, v => v.Nodes[0].Servers.Length == 0);
    }

    [Fact]
    public async Task Two_nodes_on_redis_see_each_other_through_the_backplane_and_a_stopped_node_expires()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartAsync("node-a", rx => rx.AddRedis(redis.ConnectionString));
        var b = await StartAsync("node-b", rx => rx.AddRedis(redis.ConnectionString));
        try
        {
            await using var admin = await RawClient.ConnectAsync(a.Endpoint, headers: s_admin);
            await admin.OpenAsync(1, "$admin");
            var both = await NextViewAsync(admin, v => v.Nodes.Length == 2);
            Assert.Equal(["node-a", "node-b"], both.Nodes.Select(n => n.Name));
            Assert.Equal([NodeId(a), NodeId(b)], both.Nodes.Select(n => n.Node));
            Assert.All(both.Nodes, n => Assert.Equal("redis", n.Backplane));

            // A client of node B shows on node A's page: B's own figures, carried by Redis.
            await using (var client = await RawClient.ConnectAsync(b.Endpoint))
            {
                await client.OpenAsync(1, "room/far");
                await NextViewAsync(admin, v => v.Nodes.Length == 2 && v.Nodes[1] is { Name: "node-b", Connections: 1, Streams: 1 } n
                    && n.Channels.Any(c => c is { Name: "room:far", Subscribers: 1 }));
            }

            await b.StopAsync();
            var alone = await NextViewAsync(admin, v => v.Nodes.Length == 1);
            Assert.Equal("node-a", alone.Nodes[0].Name);
        }
        finally
        {
            await b.DisposeAsync();
        }
    }

    [Fact]
    public async Task Snapshots_that_are_not_json_are_ignored_and_one_without_its_lists_shows_with_empty_ones()
    {
        await using var host = await StartAsync();
        await using var admin = await RawClient.ConnectAsync(host.Endpoint, headers: s_admin);
        await admin.OpenAsync(1, "$admin");
        await NextViewAsync(admin, v => v.Nodes.Length == 1);

        // What another node could put on the channel: garbage, then a snapshot of an older version with no lists.
        var backplane = host.Services.GetRequiredService<StreamHub>().Backplane;
        await backplane.PublishAsync(AdminNode.Channel, "not json"u8.ToArray(), CancellationToken.None);
        await backplane.PublishAsync(AdminNode.Channel, """{"node":"old","name":"old-node","backplane":"memory","sequence":1,"connections":7}"""u8.ToArray(), CancellationToken.None);

        var view = await NextViewAsync(admin, v => v.Nodes.Length == 2);
        var old = view.Nodes.Single(n => n.Node == "old");
        Assert.Equal(7, old.Connections);
        Assert.Empty(old.Channels);
        Assert.Empty(old.Queues);
    }

    private static void AddAuth(IRxStreamsBuilder rx) => AddAuth(rx.Services);

    private static void AddAuth(IServiceCollection services)
    {
        services.AddAuthentication(HeaderAuthentication.Name).AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>(HeaderAuthentication.Name, null);
        services.AddAuthorization(o => o.AddPolicy(Policy, p => p.RequireRole("admin")));
    }

    private static Task<KestrelHost> StartAsync(string name = "node-a", Action<IRxStreamsBuilder>? rx = null)
        => KestrelHost.StartAsync(
            configureServices: builder =>
            {
                rx?.Invoke(builder);
                AddAuth(builder);
            },
            // Mapped before MapRxStreams (KestrelHost maps it last): the order does not matter.
            configureApp: app => app.MapRxStreamsAdmin("/rx/admin", Policy, o =>
            {
                o.NodeName = name;
                o.SnapshotInterval = TimeSpan.FromMilliseconds(200);
                o.NodeExpiry = TimeSpan.FromSeconds(2);
            }));

    private static string NodeId(KestrelHost host) => host.Services.GetRequiredService<StreamHub>().Servers.NodeId;

    private static HttpClient Http(KestrelHost host, Dictionary<string, string>? headers = null)
    {
        var http = new HttpClient { BaseAddress = host.BaseAddress };
        foreach (var (name, value) in headers ?? [])
        {
            http.DefaultRequestHeaders.Add(name, value);
        }
        return http;
    }

    /// <summary>Reads the admin stream's views until one matches (30 s at most).</summary>
    private static async Task<ClusterView> NextViewAsync(RawClient client, Func<ClusterView, bool> match)
    {
        var deadline = DateTime.UtcNow + Wait.DefaultTimeout;
        ClusterView? last = null;
        while (DateTime.UtcNow < deadline)
        {
            var frame = await client.ReceiveUntilAsync(f => f.Type is FrameType.Next or FrameType.Error or FrameType.Complete, deadline - DateTime.UtcNow);
            Assert.Equal(FrameType.Next, frame.Type);
            last = JsonSerializer.Deserialize(frame.Payload, AdminJson.Default.ClusterView)!;
            if (match(last))
            {
                return last;
            }
        }
        throw new TimeoutException("No admin view matched; the last: " + (last is null ? "none" : JsonSerializer.Serialize(last, AdminJson.Default.ClusterView)));
    }
}
