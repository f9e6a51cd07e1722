using System.Diagnostics;
using System.Reactive.Linq;
using RxStreams.Backplanes.InMemory;
using RxStreams.Channels;
using RxStreams.Diagnostics;
using RxStreams.Redis;
using RxStreams.Testing;
using RxStreams.Tests.Hub;
using RxStreams.Tests.Redis;

namespace RxStreams.Tests.Diagnostics;

/// <summary>
/// Trace context carried with durable channel items: nothing at all while nobody listens to the <c>RxStreams</c>
/// activity source; with a listener, a publish inside a trace gets a span whose context travels with the item (in
/// memory, and in Redis as the entry's field <c>t</c>) and each node's delivery is its child. In the Redis collection
/// (run one test at a time) because activity listeners are process-wide and the first test needs none.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class TracingTests(RedisFixture fixture)
{
    private const string CallerSource = "RxStreams.Tests.Caller";
    private static readonly ActivitySource s_caller = new(CallerSource);

    [Fact]
    public async Task Without_a_listener_tracing_allocates_nothing_and_stores_nothing_even_inside_a_trace()
    {
        Assert.False(RxStreamsMetrics.ActivitySource.HasListeners());
        using var outer = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start();
        outer.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        var traceParent = outer.Id!;
        Assert.Equal(0, Allocations.SteadyState(() => RxStreamsTracing.StartPublish("c")?.Dispose()));
        Assert.Equal(0, Allocations.SteadyState(() => _ = RxStreamsTracing.CurrentTraceParent()));
        Assert.Equal(0, Allocations.SteadyState(() => RxStreamsTracing.StartDeliver(traceParent, "c")?.Dispose()));

        var hub = Hubs.InMemory();
        await hub.Channel<TestMessage>("untraced").PublishAsync(new TestMessage(1, 1));
        var entry = Assert.Single((await hub.Backplane.ReadAsync("untraced", StreamOffset.Start, 10, default)).Entries);
        Assert.Null(entry.TraceParent);

        var redis = await fixture.TargetAsync(cluster: false);
        var prefix = redis.NewPrefix();
        TestMessageSerializer.EnsureRegistered();
        await using var node = RedisNode.Start(redis.ConnectionString, prefix);
        await node.Hub.Channel<TestMessage>("untraced").PublishAsync(new TestMessage(1, 1));
        Assert.Equal(["p"], await FieldsAsync(redis, prefix, "untraced"));

        // An item a traced node appended: read where nothing listens, its context is skipped (no string per item), as
        // in memory, where nothing listening means nothing stored.
        await redis.Db.StreamAddAsync(new RedisKeys(prefix).Stream("untraced"), [new("p", "{}"), new("t", traceParent)]);
        var read = await node.Backplane.ReadAsync("untraced", StreamOffset.Start, 10, default);
        Assert.Equal([null, null], read.Entries.Select(e => e.TraceParent));
    }

    [Fact]
    public async Task In_memory_a_publish_inside_a_trace_is_a_span_whose_context_the_delivery_continues()
    {
        var stopped = new List<Activity>();
        using var listener = Listen(stopped);
        var hub = Hubs.InMemory();
        var channel = hub.Channel<TestMessage>("traced");
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = channel.Where(m => m.Value.Sequence == 2).Subscribe(_ => received.TrySetResult());

        // Outside any trace: no span of its own, no context stored.
        await channel.PublishAsync(new TestMessage(1, 1));
        Activity caller;
        using (caller = s_caller.StartActivity("caller")!)
        {
            await channel.PublishAsync(new TestMessage(1, 2));
        }
        await received.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var publish = Assert.Single(Snapshot(stopped), a => a.OperationName == RxStreamsTracing.PublishSpan);
        Assert.Equal(caller.SpanId, publish.ParentSpanId);
        Assert.Equal("traced", publish.GetTagItem(RxStreamsTracing.ChannelTag));
        var entries = (await hub.Backplane.ReadAsync("traced", StreamOffset.Start, 10, default)).Entries;
        Assert.Equal([null, publish.Id], entries.Select(e => e.TraceParent));
        await Wait.UntilAsync(() => Snapshot(stopped).Any(a => a.OperationName == RxStreamsTracing.DeliverSpan), "the delivery span ends");
        var deliver = Assert.Single(Snapshot(stopped), a => a.OperationName == RxStreamsTracing.DeliverSpan);
        Assert.Equal(publish.SpanId, deliver.ParentSpanId);
        Assert.Equal(publish.TraceId, deliver.TraceId);
        Assert.Equal(ActivityKind.Consumer, deliver.Kind);
    }

    [Fact]
    public async Task The_publish_span_lasts_until_the_backplane_has_the_item_and_a_failed_append_ends_it_as_an_error()
    {
        var stopped = new List<Activity>();
        using var listener = Listen(stopped);
        TestMessageSerializer.EnsureRegistered();
        var backplane = new GatedBackplane(new InMemoryBackplane());
        var channel = new StreamHub(backplane).Channel<TestMessage>("gated");

        using (var caller = s_caller.StartActivity("caller")!)
        {
            var publishing = channel.PublishAsync(new TestMessage(1, 1));
            // The span runs while the append does, but the caller goes on in its own span.
            Assert.Same(caller, Activity.Current);
            await Wait.UntilAsync(() => backplane.Appends.Waiting == 1, "the append waits at the gate");
            Assert.DoesNotContain(Snapshot(stopped), a => a.OperationName == RxStreamsTracing.PublishSpan);
            backplane.Appends.Open();
            await publishing;
        }
        var publish = Assert.Single(Snapshot(stopped), a => a.OperationName == RxStreamsTracing.PublishSpan);
        Assert.Equal(ActivityStatusCode.Unset, publish.Status);
        var entry = Assert.Single((await backplane.ReadAsync("gated", StreamOffset.Start, 10, default)).Entries);
        Assert.Equal(publish.Id, entry.TraceParent);

        var failing = new GatedBackplane(new InMemoryBackplane());
        using var cancel = new CancellationTokenSource();
        using (s_caller.StartActivity("caller"))
        {
            var publishing = new StreamHub(failing).Channel<TestMessage>("gated").PublishAsync(new TestMessage(1, 2), cancel.Token);
            await Wait.UntilAsync(() => failing.Appends.Waiting == 1, "the append waits at the gate");
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await publishing);
        }
        var failed = Assert.Single(Snapshot(stopped), a => a.OperationName == RxStreamsTracing.PublishSpan && a != publish);
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
    }

    [Fact]
    public async Task On_redis_the_context_is_stored_as_field_t_and_the_other_node_delivers_under_it()
    {
        var stopped = new List<Activity>();
        using var listener = Listen(stopped);
        var redis = await fixture.TargetAsync(cluster: false);
        var prefix = redis.NewPrefix();
        TestMessageSerializer.EnsureRegistered();
        await using var publisher = RedisNode.Start(redis.ConnectionString, prefix);
        await using var subscriber = RedisNode.Start(redis.ConnectionString, prefix);
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = subscriber.Hub.Channel<TestMessage>("traced").Subscribe(_ => received.TrySetResult());
        await Wait.UntilAsync(() => subscriber.Backplane.LiveReader.ChannelCount == 1, "the subscriber's node reads the channel");

        Activity caller;
        using (caller = s_caller.StartActivity("caller")!)
        {
            await publisher.Hub.Channel<TestMessage>("traced").PublishAsync(new TestMessage(1, 1));
        }
        await received.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var publish = Assert.Single(Snapshot(stopped), a => a.OperationName == RxStreamsTracing.PublishSpan);
        Assert.Equal(["p", "t"], await FieldsAsync(redis, prefix, "traced"));
        var entry = Assert.Single((await publisher.Backplane.ReadAsync("traced", StreamOffset.Start, 10, default)).Entries);
        Assert.Equal(publish.Id, entry.TraceParent);
        await Wait.UntilAsync(() => Snapshot(stopped).Any(a => a.OperationName == RxStreamsTracing.DeliverSpan), "the delivery span ends");
        var deliver = Assert.Single(Snapshot(stopped), a => a.OperationName == RxStreamsTracing.DeliverSpan);
        Assert.Equal((publish.TraceId, publish.SpanId), (deliver.TraceId, deliver.ParentSpanId));
        Assert.Equal(caller.TraceId, deliver.TraceId);
    }

    private static ActivityListener Listen(List<Activity> stopped)
    {
        // By name: a source first touched inside ShouldListenTo (while the listener is being added) would miss it.
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is RxStreamsMetrics.Name or CallerSource,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (stopped)
                {
                    stopped.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static Activity[] Snapshot(List<Activity> stopped)
    {
        lock (stopped)
        {
            return [.. stopped];
        }
    }

    /// <summary>The field names of the channel's one stream entry, as Redis holds them.</summary>
    private static async Task<string[]> FieldsAsync(RedisTarget redis, string prefix, string channel)
    {
        var key = Assert.Single(await redis.KeysAsync($"{prefix}:{{{channel}}}:*"), k => redis.Db.KeyType(k) == StackExchange.Redis.RedisType.Stream);
        var entry = Assert.Single(await redis.Db.StreamRangeAsync(key));
        return [.. entry.Values.Select(v => (string)v.Name!)];
    }
}
