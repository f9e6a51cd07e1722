using System.Diagnostics;
using RxStreams.Client;
using RxStreams.Testing;
using RxStreams.TestServer;
using Xunit.Abstractions;

namespace RxStreams.EndToEnd.Tests.Scaling;

/// <summary>
/// A rolling restart, as every deployment does one: two nodes (child processes on real Kestrel) on one real Redis,
/// behind a non-sticky balancer that follows their readiness; 200 .NET clients publish to durable feeds (requests,
/// each acknowledged once Redis holds the item) and read them. Node A is stopped gracefully and started again, then
/// node B. No client loses or doubles an item, no request fails, every client moved at least once, and the longest
/// time each client went without a delivery is measured and reported.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RollingRestartTests(EndToEndFixture run, ITestOutputHelper output)
{
    private const int Clients = 200;
    private const int Rooms = 10;

    // Each client publishes once every 4 s: 50 publishes/s in all, 5 per second per room, each delivered to the 20
    // clients of its room (1,000 deliveries/s): a modest load that a busy 2-core machine carries while nodes restart.
    private static readonly TimeSpan PublishEvery = TimeSpan.FromSeconds(4);

    /// <param name="deregisterFirst">
    /// False: the balancer learns that a node is going from its readiness probe (every 100 ms), so clients that move
    /// at once may still be sent to the draining node, get 503 and retry after their backoff. True: the node is taken
    /// out of the balancer before it is stopped, as a deployment that deregisters first (or waits a probe period
    /// before SIGTERM) does.
    /// </param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Restarting_two_nodes_one_after_the_other_behind_a_balancer_loses_and_doubles_nothing_for_200_clients(bool deregisterFirst)
    {
        var redis = await run.RedisAsync();
        var prefix = Nodes.NewPrefix();
        var nodes = new List<ServerProcess>();
        async Task<ServerProcess> StartNode(string name)
        {
            var node = await ServerProcess.StartAsync(name, "--redis", redis.ConnectionString, "--prefix", prefix);
            lock (nodes)
            {
                nodes.Add(node);
            }
            return node;
        }
        try
        {
            var a = await StartNode("a");
            var b = await StartNode("b");
            await using var balancer = new ReadinessBalancer(a.Port, b.Port);
            await Wait.UntilAsync(() => balancer.IsReady(a.Port) && balancer.IsReady(b.Port), "the balancer sees both nodes ready");

            // A graceful stop (SIGTERM: the node drains), then the same node started again and put behind the balancer.
            async Task<(ServerProcess Node, TimeSpan Stop)> RestartAsync(ServerProcess node)
            {
                var stopping = Stopwatch.GetTimestamp();
                if (deregisterFirst)
                {
                    balancer.Remove(node.Port);
                }
                await node.StopAsync();
                var stop = Stopwatch.GetElapsedTime(stopping);
                balancer.Remove(node.Port);
                var again = await StartNode(node.Name);
                balancer.Add(again.Port);
                await Wait.UntilAsync(() => balancer.IsReady(again.Port), $"the balancer sees node {node.Name} ready again");
                return (again, stop);
            }

            var participants = new Participant[Clients];
            try
            {
                await Parallel.ForEachAsync(Enumerable.Range(0, Clients), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
                    participants[i] = await Participant.StartAsync(i, i % Rooms, balancer.Endpoint));
                using var publishing = new CancellationTokenSource();
                var loops = participants.Select(p => p.PublishAsync(PublishEvery, publishing.Token)).ToArray();

                await MoreDeliveriesAsync(participants, 5, "every client receives its room's items");
                var steadyFrom = Stopwatch.GetTimestamp();
                await MoreDeliveriesAsync(participants, 20, "a steady stretch before the restarts");
                var restartsFrom = Stopwatch.GetTimestamp();
                var (a2, stopA) = await RestartAsync(a);
                var restartedA = Stopwatch.GetTimestamp();
                await MoreDeliveriesAsync(participants, 10, "deliveries go on after node a restarted");
                var (b2, stopB) = await RestartAsync(b);
                await MoreDeliveriesAsync(participants, 10, "deliveries go on after node b restarted");
                var restartsTo = Stopwatch.GetTimestamp();
                await publishing.CancelAsync();
                await Task.WhenAll(loops);

                // Every acknowledged item reaches every client of its room, once, in its publisher's order.
                var acknowledged = participants.GroupBy(p => p.Room).ToDictionary(g => g.Key, g => g.SelectMany(p => p.Acknowledged).ToHashSet());
                await Wait.UntilAsync(() => participants.All(p => p.Received().Select(r => r.N).ToHashSet().IsSupersetOf(acknowledged[p.Room])),
                    "every client received every acknowledged item of its room", TimeSpan.FromMinutes(2));
                foreach (var p in participants)
                {
                    Assert.True(p.Failures.Count == 0, $"client {p.Index}: {string.Join("; ", p.Failures.Select(f => f.Message))}");
                    var received = p.Received().Select(r => r.N).ToList();
                    var doubled = received.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
                    Assert.True(doubled.Count == 0, $"client {p.Index} received {doubled.Count} items twice: {string.Join(", ", doubled.Take(10))}");
                    var foreign = received.Where(n => n / Participant.PerClient % Rooms != p.Room).ToList();
                    Assert.True(foreign.Count == 0, $"client {p.Index} received items of another room");
                    // Extra items would be publishes that were not acknowledged: none failed, so there are none.
                    Assert.Equal(acknowledged[p.Room].Count, received.Count);
                    foreach (var publisher in received.GroupBy(n => n / Participant.PerClient))
                    {
                        Assert.True(publisher.SequenceEqual(publisher.Order()), $"client {p.Index} received client {publisher.Key}'s items out of order");
                    }
                    Assert.True(p.Reconnections >= 1, $"client {p.Index} never moved: the restarts did not reach it");
                }

                var steady = participants.Select(p => p.LongestGap(steadyFrom, restartsFrom)).Order().ToArray();
                var restarts = participants.Select(p => p.LongestGap(restartsFrom, restartsTo)).Order().ToArray();
                var movesA = participants.Select(p => p.LongestMoveGap(restartsFrom, restartedA)).Where(g => g > TimeSpan.Zero).Order().ToArray();
                var movesB = participants.Select(p => p.LongestMoveGap(restartedA, restartsTo)).Where(g => g > TimeSpan.Zero).Order().ToArray();
                var reconnections = participants.Select(p => p.LongestReconnection()).Order().ToArray();
                output.WriteLine(deregisterFirst
                    ? "Each node is taken out of the balancer, then stopped."
                    : "Each node is stopped; the balancer follows the nodes' readiness (probed every 100 ms).");
                output.WriteLine($"Rolling restart: {Clients} clients in {Rooms} rooms, one publish per client every {PublishEvery.TotalSeconds:0} s " +
                    $"({Clients / PublishEvery.TotalSeconds:0}/s, {participants.Sum(p => p.Received().Count)} deliveries); " +
                    $"{acknowledged.Values.Sum(v => v.Count)} items acknowledged, none lost, none doubled, no request failed.");
                output.WriteLine($"Node a stopped (drained and exited) in {stopA.TotalMilliseconds:0} ms, node b in {stopB.TotalMilliseconds:0} ms; " +
                    $"reconnections per client: {participants.Min(p => p.Reconnections)} to {participants.Max(p => p.Reconnections)}.");
                output.WriteLine($"Longest gap per client (time without a delivery), steady stretch: median {Ms(Percentile(steady, 0.5))}, " +
                    $"p99 {Ms(Percentile(steady, 0.99))}, max {Ms(steady[^1])}.");
                output.WriteLine($"Longest gap per client across the two restarts: median {Ms(Percentile(restarts, 0.5))}, " +
                    $"p99 {Ms(Percentile(restarts, 0.99))}, max {Ms(restarts[^1])}.");
                output.WriteLine($"Around a move (last delivery before the reconnection to the first after it), node a's {movesA.Length} clients to node b: " +
                    $"median {Ms(Percentile(movesA, 0.5))}, p99 {Ms(Percentile(movesA, 0.99))}, max {Ms(movesA[^1])}; node b's {movesB.Length} clients " +
                    $"to the restarted node a: median {Ms(Percentile(movesB, 0.5))}, p99 {Ms(Percentile(movesB, 0.99))}, max {Ms(movesB[^1])}.");
                output.WriteLine($"Longest reconnection per client (connection lost to the next one connected): median {Ms(Percentile(reconnections, 0.5))}, " +
                    $"p99 {Ms(Percentile(reconnections, 0.99))}, max {Ms(reconnections[^1])}.");
                Assert.NotNull(a2);
                Assert.NotNull(b2);
            }
            finally
            {
                await Task.WhenAll(participants.Where(p => p is not null).Select(p => p.DisposeAsync().AsTask()));
            }
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static TimeSpan Percentile(TimeSpan[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:0} ms";

    /// <summary>Waits until every client received <paramref name="more"/> items more than it had.</summary>
    private static async Task MoreDeliveriesAsync(Participant[] participants, int more, string because)
    {
        var targets = participants.Select(p => p.Received().Count + more).ToArray();
        await Wait.UntilAsync(() => participants.Select((p, i) => p.Received().Count >= targets[i]).All(x => x), because, TimeSpan.FromMinutes(2));
    }

    /// <summary>One client: it reads its room's feed and publishes to it, and records what it got and when.</summary>
    private sealed class Participant : IAsyncDisposable
    {
        /// <summary>Item numbers: client index × this + the client's own sequence.</summary>
        public const int PerClient = 100_000;

        // The defaults, but for a loaded machine: more time for the first connection and for each request.
        private static readonly RxStreamsClientOptions Options = new() { ConnectTimeout = TimeSpan.FromSeconds(30), InvokeTimeout = TimeSpan.FromSeconds(60) };

        private readonly List<(int N, long At)> _received = [];
        private readonly List<int> _acknowledged = [];
        private readonly List<Exception> _failures = [];
        private readonly List<long> _moves = [];
        private readonly List<TimeSpan> _reconnectTimes = [];
        private readonly RxStreamsClient _client;
        private IDisposable? _feed;
        private IDisposable? _states;
        private int _reconnections;

        private Participant(int index, int room, RxStreamsClient client)
        {
            Index = index;
            Room = room;
            _client = client;
        }

        public int Index { get; }

        public int Room { get; }

        public int Reconnections => Volatile.Read(ref _reconnections);

        public IReadOnlyList<int> Acknowledged
        {
            get
            {
                lock (_acknowledged)
                {
                    return [.. _acknowledged];
                }
            }
        }

        public IReadOnlyList<Exception> Failures
        {
            get
            {
                lock (_failures)
                {
                    return [.. _failures];
                }
            }
        }

        public static async Task<Participant> StartAsync(int index, int room, Uri endpoint)
        {
            var participant = new Participant(index, room, await RxStreamsClient.ConnectAsync(endpoint, Options));
            participant._states = participant._client.State.Subscribe(s =>
            {
                lock (participant._moves)
                {
                    if (s == ConnectionState.Reconnecting)
                    {
                        Interlocked.Increment(ref participant._reconnections);
                        participant._moves.Add(Stopwatch.GetTimestamp());
                    }
                    else if (s == ConnectionState.Connected && participant._moves.Count > participant._reconnectTimes.Count)
                    {
                        participant._reconnectTimes.Add(Stopwatch.GetElapsedTime(participant._moves[^1]));
                    }
                }
            });
            participant._feed = participant._client.Subscribe<Tick>($"feed/r{room}").Subscribe(
                t =>
                {
                    lock (participant._received)
                    {
                        participant._received.Add((t.N, Stopwatch.GetTimestamp()));
                    }
                },
                participant.Fail);
            return participant;
        }

        public List<(int N, long At)> Received()
        {
            lock (_received)
            {
                return [.. _received];
            }
        }

        private void Fail(Exception error)
        {
            lock (_failures)
            {
                _failures.Add(error);
            }
        }

        /// <summary>Publishes one item every <paramref name="every"/>, from a random phase, until stopped; a publish under way is finished, not cancelled.</summary>
        public async Task PublishAsync(TimeSpan every, CancellationToken stop)
        {
            try
            {
                await Task.Delay(every * Random.Shared.NextDouble(), stop);
                using var timer = new PeriodicTimer(every);
                var sequence = 0;
                do
                {
                    var n = Index * PerClient + sequence++;
                    try
                    {
                        await _client.InvokeAsync<Tick, string>($"publish/r{Room}", new Tick(n));
                        lock (_acknowledged)
                        {
                            _acknowledged.Add(n);
                        }
                    }
                    catch (Exception e) when (e is StreamException or TimeoutException)
                    {
                        Fail(e);
                    }
                }
                while (await timer.WaitForNextTickAsync(stop));
            }
            catch (OperationCanceledException)
            {
            }
        }

        /// <summary>The longest time between two deliveries (or a window's edge and a delivery) within the window.</summary>
        public TimeSpan LongestGap(long from, long to)
        {
            var longest = 0L;
            var previous = from;
            foreach (var (_, at) in Received())
            {
                if (at <= from)
                {
                    continue;
                }
                if (at > to)
                {
                    longest = Math.Max(longest, to - previous);
                    previous = to;
                    break;
                }
                longest = Math.Max(longest, at - previous);
                previous = at;
            }
            longest = Math.Max(longest, to - previous);
            return Stopwatch.GetElapsedTime(0, longest);
        }

        /// <summary>The longest time from losing a connection to having the next one.</summary>
        public TimeSpan LongestReconnection()
        {
            lock (_moves)
            {
                return _reconnectTimes.Count == 0 ? TimeSpan.Zero : _reconnectTimes.Max();
            }
        }

        /// <summary>The longest gap around a reconnection: from the last delivery before it to the first after it.</summary>
        public TimeSpan LongestMoveGap(long from, long to)
        {
            long[] moves;
            lock (_moves)
            {
                moves = [.. _moves];
            }
            var received = Received();
            var longest = 0L;
            foreach (var move in moves.Where(m => m >= from && m < to))
            {
                var before = received.LastOrDefault(r => r.At <= move).At;
                var after = received.FirstOrDefault(r => r.At > move).At;
                if (before != 0 && after != 0)
                {
                    longest = Math.Max(longest, after - before);
                }
            }
            return Stopwatch.GetElapsedTime(0, longest);
        }

        public async ValueTask DisposeAsync()
        {
            _feed?.Dispose();
            _states?.Dispose();
            await _client.DisposeAsync();
        }
    }
}
