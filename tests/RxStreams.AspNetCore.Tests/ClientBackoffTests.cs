using Microsoft.Extensions.DependencyInjection;
using RxStreams.AspNetCore.Connections;
using RxStreams.Client;
using RxStreams.Testing;

namespace RxStreams.AspNetCore.Tests;

/// <summary>
/// The .NET client's reconnection backoff, on a virtual clock against real Kestrel hosts: before attempt k it waits
/// a random time in [d/2, d] with d = min(MaxReconnectDelay, ReconnectDelay × 2^k), and k starts again once a
/// connection held 30 seconds. The clock records each delay the client asks for; the test fires it, and the client
/// then really tries to connect (to a port that refuses, or to a host started again on it).
/// </summary>
public sealed class ClientBackoffTests
{
    private static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task Successive_failed_attempts_wait_longer_within_the_jitter_up_to_the_maximum()
    {
        var max = TimeSpan.FromMilliseconds(1600); // reached at k = 4
        var clock = new ManualClock();
        var host = await KestrelHost.StartAsync();
        await using var client = await RxStreamsClient.ConnectAsync(host.Endpoint, Options(clock, max));
        await host.DisposeAsync(); // the port now refuses connections

        var delays = new List<TimeSpan>();
        for (var k = 0; k < 8; k++)
        {
            var delay = await NextDelayAsync(clock, k);
            AssertWithinJitter(delay, k, max);
            Assert.Equal(ConnectionState.Reconnecting, client.CurrentState);
            delays.Add(delay);
            clock.Advance(delay); // attempt k + 1 fails
        }
        // The structure: until the cap each delay is at least the one before ([d/2, d] then [d, 2d]); from there on
        // they stay between max/2 and max.
        var growing = delays.Take(5).ToList();
        Assert.True(growing.Zip(growing.Skip(1)).All(p => p.First <= p.Second), string.Join(", ", delays));
        Assert.All(delays.Skip(4), d => Assert.InRange(d, max / 2, max));
        Assert.True(delays[3] > delays[0] * 3, $"the delay grows: {string.Join(", ", delays)}");
    }

    [Fact]
    public async Task The_backoff_starts_over_only_after_a_connection_held_30_seconds()
    {
        var max = TimeSpan.FromMinutes(10);
        var clock = new ManualClock();
        var host = await KestrelHost.StartAsync();
        var port = host.BaseAddress.Port;
        await using var client = await RxStreamsClient.ConnectAsync(host.Endpoint, Options(clock, max));

        // Three failed attempts: k = 0, 1, 2.
        await host.DisposeAsync();
        for (var k = 0; k < 3; k++)
        {
            var delay = await NextDelayAsync(clock, k);
            AssertWithinJitter(delay, k, max);
            clock.Advance(delay);
        }

        // Attempt 4 succeeds; the connection holds 29.9 s (virtual), then drops: the backoff goes on at k = 4.
        var fourth = await NextDelayAsync(clock, 3);
        AssertWithinJitter(fourth, 3, max);
        host = await KestrelHost.StartAsync(port: port);
        clock.Advance(fourth);
        await Wait.UntilAsync(() => client.CurrentState == ConnectionState.Connected, "the client reconnects to the host started again");
        clock.Advance(TimeSpan.FromSeconds(29.9));
        await host.DisposeAsync();
        var afterShortHold = await NextDelayAsync(clock, 4);
        AssertWithinJitter(afterShortHold, 4, max);

        // Attempt 5 succeeds; this connection holds exactly 30 s: the backoff starts over at k = 0.
        host = await KestrelHost.StartAsync(port: port);
        clock.Advance(afterShortHold);
        await Wait.UntilAsync(() => client.CurrentState == ConnectionState.Connected, "the client reconnects to the host started again");
        clock.Advance(TimeSpan.FromSeconds(30));
        await host.DisposeAsync();
        var afterLongHold = await NextDelayAsync(clock, 5);
        AssertWithinJitter(afterLongHold, 0, max);

        // And it grows again from there.
        clock.Advance(afterLongHold);
        AssertWithinJitter(await NextDelayAsync(clock, 6), 1, max);
    }

    [Fact]
    public async Task A_reconnect_policy_of_the_apps_own_decides_each_delay_and_when_to_stop()
    {
        var clock = new ManualClock();
        var policy = new ScriptedPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(3));
        var host = await KestrelHost.StartAsync();
        await using var client = await RxStreamsClient.ConnectAsync(host.Endpoint, new RxStreamsClientOptions
        {
            ReconnectPolicy = policy,
            // Ignored once a policy is set.
            ReconnectDelay = TimeSpan.FromMinutes(1),
            MaxReconnectDelay = TimeSpan.FromMinutes(1),
            TimeProvider = clock,
        });
        // An ordinary drop (a host that stops gracefully tells its clients to move, which skips the first delay),
        // then the port refuses connections.
        host.Services.GetRequiredService<StreamConnectionHandler>().Connections.Single().AbortForTests();
        await host.DisposeAsync();

        for (var k = 0; k < 3; k++)
        {
            Assert.Equal(policy.Delays[k], await NextDelayAsync(clock, k));
            clock.Advance(policy.Delays[k]); // attempt k + 1 fails
        }
        // The fourth time the policy says stop: the client closes and asks for no more delays.
        await Wait.UntilAsync(() => client.CurrentState == ConnectionState.Closed, "the client gives up when its policy says so");
        Assert.Equal(3, clock.Requested.Count);
        Assert.Equal([0, 1, 2, 3], policy.Seen.Select(c => c.FailedAttempts));
        Assert.Equal([0, 1, 2, 3], policy.Seen.Select(c => c.Attempt));
        Assert.Null(policy.Seen[0].LastError);
        Assert.All(policy.Seen.Skip(1), c => Assert.NotNull(c.LastError));
    }

    [Fact]
    public async Task A_reconnect_policy_that_throws_stops_the_reconnecting_and_closes_the_client()
    {
        var clock = new ManualClock();
        var host = await KestrelHost.StartAsync();
        await using var client = await RxStreamsClient.ConnectAsync(host.Endpoint, new RxStreamsClientOptions { ReconnectPolicy = new ThrowingPolicy(), TimeProvider = clock });
        var stream = client.Subscribe<Tick>("count/1000000");
        Exception? error = null;
        using var subscription = stream.Subscribe(_ => { }, e => error = e);
        // An ordinary drop, not a drain (which would keep the connection while the client reads its queue).
        await Wait.UntilAsync(() => host.Services.GetRequiredService<StreamConnectionHandler>().Connections.Count == 1, "the server holds the connection");
        host.Services.GetRequiredService<StreamConnectionHandler>().Connections.Single().AbortForTests();
        await host.DisposeAsync();
        await Wait.UntilAsync(() => client.CurrentState == ConnectionState.Closed, "the client closes");
        await Wait.UntilAsync(() => error is not null, "its stream ends");
        Assert.Equal(StreamErrorCodes.ConnectionLost, Assert.IsAssignableFrom<StreamException>(error).Code);
        Assert.Empty(clock.Requested);
    }

    [Fact]
    public void The_default_policy_refuses_nonsense_and_follows_the_documented_backoff()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialReconnectPolicy(TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialReconnectPolicy(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialReconnectPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), -1));
        var policy = new ExponentialReconnectPolicy(Initial, TimeSpan.FromSeconds(1), maxAttempts: 2);
        for (var k = 0; k < 12; k++)
        {
            AssertWithinJitter(policy.NextDelay(new ReconnectContext(k, 0, null))!.Value, k, TimeSpan.FromSeconds(1));
        }
        Assert.NotNull(policy.NextDelay(new ReconnectContext(5, 1, new TimeoutException())));
        Assert.Null(policy.NextDelay(new ReconnectContext(5, 2, new TimeoutException())));
    }

    /// <summary>Answers the delays it was given, then null; records what it was asked.</summary>
    private sealed class ScriptedPolicy(params TimeSpan[] delays) : IReconnectPolicy
    {
        public TimeSpan[] Delays { get; } = delays;

        public List<ReconnectContext> Seen { get; } = [];

        public TimeSpan? NextDelay(ReconnectContext context)
        {
            lock (Seen)
            {
                Seen.Add(context);
                return Seen.Count <= Delays.Length ? Delays[Seen.Count - 1] : null;
            }
        }
    }

    private sealed class ThrowingPolicy : IReconnectPolicy
    {
        public TimeSpan? NextDelay(ReconnectContext context) => throw new InvalidOperationException("a bug in the app's policy");
    }

    private static RxStreamsClientOptions Options(ManualClock clock, TimeSpan max) => new()
    {
        ReconnectDelay = Initial,
        MaxReconnectDelay = max,
        TimeProvider = clock,
        ConnectTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>Waits for the client to ask for its delay number <paramref name="index"/> (counting from 0).</summary>
    private static async Task<TimeSpan> NextDelayAsync(ManualClock clock, int index)
    {
        await Wait.UntilAsync(() => clock.Requested.Count > index, $"the client waits before reconnection attempt {index + 1}");
        Assert.Equal(index + 1, clock.Requested.Count);
        return clock.Requested[index];
    }

    /// <summary>The documented jitter: a delay in [d/2, d], d = min(max, initial × 2^k) (one tick for rounding).</summary>
    private static void AssertWithinJitter(TimeSpan delay, int k, TimeSpan max)
    {
        var d = TimeSpan.FromTicks(Math.Min(max.Ticks, Initial.Ticks << k));
        Assert.InRange(delay, d / 2 - TimeSpan.FromTicks(1), d + TimeSpan.FromTicks(1));
    }
}
