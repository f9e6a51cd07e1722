using System.Buffers;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using RxStreams.AspNetCore.Connections;
using RxStreams.AspNetCore.HealthChecks;
using RxStreams.Protocol;
using RxStreams.Testing;

namespace RxStreams.AspNetCore.Tests.HealthChecks;

/// <summary>
/// <c>AddHealthChecks().AddRxStreams()</c> on real hosts: a real redis-server stopped and started again, real clients
/// that stop reading, a host that stops.
/// </summary>
public sealed class HealthCheckTests
{
    [Fact]
    public async Task The_backplane_check_is_unhealthy_while_redis_is_down_and_healthy_again_once_it_is_back()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await StartAsync(rx => rx.AddRedis(redis.ConnectionString), o => o.BackplaneTimeout = TimeSpan.FromSeconds(1));
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        await Wait.UntilAsync(async () => (await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, "the node is ready with Redis up");
        var up = await CheckAsync(host, RxStreamsHealthChecksBuilderExtensions.BackplaneCheck);
        Assert.Equal(HealthStatus.Healthy, up.Status);
        Assert.Equal("redis", up.Data["backplane"]);

        await redis.KillAsync();
        await Wait.UntilAsync(async () => (await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.ServiceUnavailable, "the node is not ready with Redis down");
        var down = await CheckAsync(host, RxStreamsHealthChecksBuilderExtensions.BackplaneCheck);
        Assert.Equal(HealthStatus.Unhealthy, down.Status);
        Assert.Contains("redis backplane", down.Description, StringComparison.Ordinal);
        // Liveness depends on nothing outside the process: a restart would not bring Redis back.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);

        await redis.RestartAsync();
        await Wait.UntilAsync(async () => (await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, "the node is ready again once Redis is back");
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(host, RxStreamsHealthChecksBuilderExtensions.BackplaneCheck)).Status);
    }

    [Fact]
    public async Task On_the_in_memory_backplane_every_check_is_healthy_and_the_live_check_counts_connections()
    {
        await using var host = await StartAsync();
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        await using var client = await RawClient.ConnectAsync(host.Endpoint);
        await client.AssertAliveAsync(1);

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal(
            [RxStreamsHealthChecksBuilderExtensions.AcceptingCheck, RxStreamsHealthChecksBuilderExtensions.BackplaneCheck, RxStreamsHealthChecksBuilderExtensions.HostCheck, RxStreamsHealthChecksBuilderExtensions.SendQueuesCheck],
            report.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("memory", report.Entries[RxStreamsHealthChecksBuilderExtensions.BackplaneCheck].Data["backplane"]);
        Assert.Equal(1, report.Entries[RxStreamsHealthChecksBuilderExtensions.HostCheck].Data["connections"]);
        Assert.Equal(1, report.Entries[RxStreamsHealthChecksBuilderExtensions.HostCheck].Data["streams"]);
        Assert.Contains(RxStreamsHealthChecksBuilderExtensions.LiveTag, report.Entries[RxStreamsHealthChecksBuilderExtensions.HostCheck].Tags);
        Assert.DoesNotContain(RxStreamsHealthChecksBuilderExtensions.LiveTag, report.Entries[RxStreamsHealthChecksBuilderExtensions.BackplaneCheck].Tags);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task The_send_queue_check_is_degraded_for_one_saturated_client_unhealthy_for_many_and_healthy_once_they_read()
    {
        // Saturated above 1 MiB (a sixteenth of 16 MiB: room for the PINGs still in the kernel's buffers when the flood
        // stops); Unhealthy from 2 saturated connections that are at least a quarter of all.
        await using var host = await StartAsync(
            configure: o => (o.SaturatedQueueFraction, o.UnhealthySaturatedConnections, o.UnhealthySaturatedShare) = (1.0 / 16, 2, 0.25),
            options: o => o.MaxPendingBytesPerConnection = 16 * 1024 * 1024);
        var before = host.Services.GetConnectionHandler().Connections.ToHashSet();
        await using var reader = await RawClient.ConnectAsync(host.Endpoint);
        var readerConnection = await host.WaitForNewConnectionAsync(before);
        before.Add(readerConnection);
        await using var first = await RawClient.ConnectAsync(host.Endpoint);
        var firstConnection = await host.WaitForNewConnectionAsync(before);
        before.Add(firstConnection);
        await using var second = await RawClient.ConnectAsync(host.Endpoint);
        var secondConnection = await host.WaitForNewConnectionAsync(before);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(host, RxStreamsHealthChecksBuilderExtensions.SendQueuesCheck)).Status);

        await SaturateAsync(first, firstConnection, 1024 * 1024);
        var one = await CheckAsync(host, RxStreamsHealthChecksBuilderExtensions.SendQueuesCheck);
        Assert.Equal(HealthStatus.Degraded, one.Status);
        Assert.Equal(1, one.Data["saturated_connections"]);
        Assert.Equal(3, one.Data["connections"]);

        await SaturateAsync(second, secondConnection, 1024 * 1024);
        var two = await CheckAsync(host, RxStreamsHealthChecksBuilderExtensions.SendQueuesCheck);
        Assert.Equal(HealthStatus.Unhealthy, two.Status);
        Assert.Equal(2, two.Data["saturated_connections"]);
        Assert.True((long)two.Data["queued_bytes"] > 2 * 1024 * 1024);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health/ready")).StatusCode);

        first.ResumeReading();
        second.ResumeReading();
        await Wait.UntilAsync(async () => (await CheckAsync(host, RxStreamsHealthChecksBuilderExtensions.SendQueuesCheck)).Status == HealthStatus.Healthy, "the queues drained once the clients read");
        Assert.False(firstConnection.IsClosing);
        Assert.False(secondConnection.IsClosing);
    }

    [Fact]
    public async Task The_accepting_check_fails_once_the_application_is_stopping()
    {
        await using var host = await StartAsync();
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(host, RxStreamsHealthChecksBuilderExtensions.AcceptingCheck)).Status);
        host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        var stopping = await CheckAsync(host, RxStreamsHealthChecksBuilderExtensions.AcceptingCheck);
        Assert.Equal(HealthStatus.Unhealthy, stopping.Status);
        Assert.Contains("stopping", stopping.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_AddRxStreams_every_check_says_what_to_call()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHealthChecks().AddRxStreams();
        await using var provider = services.BuildServiceProvider();
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(4, report.Entries.Count);
        Assert.All(report.Entries.Values, e =>
        {
            Assert.Equal(HealthStatus.Unhealthy, e.Status);
            Assert.Contains("AddRxStreams()", e.Description, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Options_out_of_range_are_refused_when_the_checks_are_added()
    {
        var services = new ServiceCollection();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => services.AddHealthChecks().AddRxStreams(o => o.SaturatedQueueFraction = 1.5));
        Assert.Equal(nameof(RxStreamsHealthCheckOptions.SaturatedQueueFraction), error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => services.AddHealthChecks().AddRxStreams(o => o.BackplaneTimeout = TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => services.AddHealthChecks().AddRxStreams(o => o.UnhealthySaturatedConnections = 0));
    }

    private static Task<KestrelHost> StartAsync(Action<IRxStreamsBuilder>? rx = null, Action<RxStreamsHealthCheckOptions>? configure = null, Action<RxStreamsOptions>? options = null)
        => KestrelHost.StartAsync(
            options,
            builder =>
            {
                rx?.Invoke(builder);
                builder.Services.AddHealthChecks().AddRxStreams(configure);
            },
            app =>
            {
                app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(RxStreamsHealthChecksBuilderExtensions.ReadyTag) });
                app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains(RxStreamsHealthChecksBuilderExtensions.LiveTag) });
            });

    private static async Task<HealthReportEntry> CheckAsync(KestrelHost host, string name)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == name);
        return report.Entries[name];
    }

    /// <summary>
    /// Makes the server queue more than <paramref name="bytes"/> for a client that stopped reading: PINGs, each answered
    /// by a PONG the client does not take. Once the kernel's buffers are full the answers pile up in the send queue;
    /// the flood stops as soon as it holds enough, far below the connection's limit.
    /// </summary>
    private static async Task SaturateAsync(RawClient client, StreamConnection connection, long bytes)
    {
        client.PauseReading();
        var buffer = new ArrayBufferWriter<byte>();
        for (var i = 0; i < 8_000; i++)
        {
            FrameWriter.WritePing(buffer);
        }
        var pings = buffer.WrittenMemory;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (connection.Outbound.PendingBytes <= bytes)
        {
            if (DateTime.UtcNow > deadline || connection.IsClosing)
            {
                throw new TimeoutException($"The server did not queue {bytes} bytes for the client that does not read (it holds {connection.Outbound.PendingBytes}).");
            }
            await client.SendRawAsync(pings);
        }
        Assert.False(connection.IsClosing);
    }
}
