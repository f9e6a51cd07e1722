using System.Collections.Concurrent;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text;
using RxStreams.Channels;
using RxStreams.Models;
using RxStreams.Testing;

namespace RxStreams.Tests.Models;

/// <summary>
/// The contract of realtime models, run against every backplane (the classes deriving from this one): in memory, a
/// single Redis and a Redis Cluster. "Nodes" are hubs over one backplane (in memory) or over one Redis each.
/// </summary>
public abstract class ModelContractTests : IAsyncLifetime
{
    /// <summary>Hubs that share the backplane's data, as the nodes of one deployment do.</summary>
    protected abstract Task<StreamHub[]> NodesAsync(int count);

    /// <summary>A model name no other test uses.</summary>
    protected static string NewName() => "m" + Guid.NewGuid().ToString("N")[..8];

    public virtual Task InitializeAsync()
    {
        BoardSerializer.EnsureRegistered();
        return Task.CompletedTask;
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private static StreamModelOptions<Board> Options(int history = 256) => new() { Initial = Board.Empty, HistoryLength = history };

    [Fact]
    public async Task A_client_gets_the_snapshot_then_only_merge_patches_with_their_versions()
    {
        var (hub, _) = await TwoAsync();
        var name = NewName();
        var model = hub.Model(name, Options());
        await model.UpdateAsync(b => b with { Topic = "hello" });

        using var items = Items.Of(model.Stream(new StreamContext()));
        await items.WaitForAsync(1);
        Assert.Equal("""{"v":1,"s":{"topic":"hello","items":{}}}""", items[0].Json);
        Assert.NotNull(items[0].Offset);

        await model.UpdateAsync(b => b.With("a", "1"));
        await model.UpdateAsync(b => b with { Topic = "bye" });
        await model.UpdateAsync(b => b with { Topic = null });
        await items.WaitForAsync(4);
        Assert.Equal("""{"v":2,"p":{"items":{"a":"1"}}}""", items[1].Json);
        Assert.Equal("""{"v":3,"p":{"topic":"bye"}}""", items[2].Json);
        Assert.Equal("""{"v":4,"p":{"topic":null}}""", items[3].Json);
        Assert.True(items[1].Offset > items[0].Offset && items[2].Offset > items[1].Offset && items[3].Offset > items[2].Offset);

        var now = await model.GetAsync();
        Assert.Equal(4, now.Version);
        Assert.Null(now.State.Topic);
        Assert.Equal("1", now.State.Items["a"]);
    }

    [Fact]
    public async Task An_update_that_changes_nothing_writes_nothing()
    {
        var (hub, _) = await TwoAsync();
        var model = hub.Model(NewName(), Options());
        var first = await model.UpdateAsync(b => b with { Topic = "t" });
        var same = await model.UpdateAsync(b => b with { Topic = "t" });
        Assert.Equal(1, first.Version);
        Assert.Equal(1, same.Version);
        Assert.Equal(1, (await model.GetAsync()).Version);
    }

    [Fact]
    public async Task Concurrent_updates_from_two_nodes_are_never_lost()
    {
        const int UpdatersPerNode = 4, Updates = 25;
        var (a, b) = await TwoAsync();
        var name = NewName();
        var watchedOnB = new ConcurrentQueue<ModelSnapshot<Board>>();
        using var watch = b.Model(name, Options()).Watch().Subscribe(watchedOnB.Enqueue);

        var updaters = new[] { a, b }.SelectMany((hub, node) => Enumerable.Range(0, UpdatersPerNode).Select(u => Task.Run(async () =>
        {
            var model = hub.Model(name, Options());
            for (var i = 0; i < Updates; i++)
            {
                await model.UpdateAsync(board => board.With($"n{node}u{u}i{i}", $"{i}"));
            }
        }))).ToArray();
        await Wait.ForAsync(Task.WhenAll(updaters), "every updater finishes");

        const int Total = 2 * UpdatersPerNode * Updates;
        var final = await a.Model(name, Options()).GetAsync();
        Assert.Equal(Total, final.Version);
        Assert.Equal(Total, final.State.Items.Count);
        for (var node = 0; node < 2; node++)
        {
            for (var u = 0; u < UpdatersPerNode; u++)
            {
                for (var i = 0; i < Updates; i++)
                {
                    Assert.True(final.State.Items.ContainsKey($"n{node}u{u}i{i}"), $"n{node}u{u}i{i} was lost");
                }
            }
        }
        // A watcher on the other node saw every version in order, and ends on the same state.
        await Wait.UntilAsync(() => watchedOnB.LastOrDefault().Version == Total, "the watcher on node b reaches the last version");
        var versions = watchedOnB.Select(s => s.Version).ToList();
        Assert.Equal(Enumerable.Range((int)versions[0], versions.Count).Select(v => (long)v), versions);
        Assert.Equal(final.State.Items, watchedOnB.Last().State.Items);
    }

    [Fact]
    public async Task An_update_that_loses_the_race_runs_again_on_the_winners_state()
    {
        var (a, b) = await TwoAsync();
        var name = NewName();
        var calls = 0;
        // The update on node a reads version 0; while it runs, node b writes version 1. a's compare-and-set must fail,
        // and a's function run again on b's state: both changes are in the result.
        var written = await a.Model(name, Options()).UpdateAsync(board =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                b.Model(name, Options()).UpdateAsync(x => x.With("from-b", "1")).AsTask().GetAwaiter().GetResult();
            }
            return board.With("from-a", "1");
        });
        Assert.Equal(2, calls);
        Assert.Equal(2, written.Version);
        var now = await b.Model(name, Options()).GetAsync();
        Assert.Equal(2, now.Version);
        Assert.Equal(["from-a", "from-b"], now.State.Items.Keys);
    }

    [Fact]
    public async Task The_backplane_refuses_a_write_at_a_stale_version_and_returns_the_current_state()
    {
        var (a, _) = await TwoAsync();
        var channel = "rx.model:" + NewName();
        var backplane = a.Backplane;
        Assert.Equal(0, (await backplane.ReadModelAsync(channel, default)).Version);
        var first = await backplane.WriteModelAsync(channel, 0, "\"one\""u8.ToArray(), """{"v":1,"p":"one"}"""u8.ToArray(), 10, default);
        Assert.True(first.Written);
        Assert.Equal(1, first.Current.Version);
        var stale = await backplane.WriteModelAsync(channel, 0, "\"two\""u8.ToArray(), """{"v":1,"p":"two"}"""u8.ToArray(), 10, default);
        Assert.False(stale.Written);
        Assert.Equal(1, stale.Current.Version);
        Assert.Equal("\"one\"", Encoding.UTF8.GetString(stale.Current.State.Span));
        Assert.Equal(first.Current.Offset, stale.Current.Offset);
        var read = await backplane.ReadAsync(channel, StreamOffset.Start, 10, default);
        Assert.Equal("""{"v":1,"p":"one"}""", Encoding.UTF8.GetString(Assert.Single(read.Entries).Payload.Span));
        Assert.Equal(first.Current.Offset, read.Entries[0].Offset);
    }

    [Fact]
    public async Task A_client_that_comes_back_with_its_offset_gets_only_the_changes_since_its_version()
    {
        var (a, b) = await TwoAsync();
        var name = NewName();
        var model = a.Model(name, Options());
        await model.UpdateAsync(x => x.With("a", "1"));
        StreamOffset last;
        using (var items = Items.Of(model.Stream(new StreamContext())))
        {
            await model.UpdateAsync(x => x.With("b", "2"));
            await items.WaitForAsync(2);
            last = items[1].Offset!.Value;
        }
        await model.UpdateAsync(x => x.With("c", "3"));
        await model.UpdateAsync(x => x with { Topic = "t" });

        // Back on the other node with the last offset seen: version 3 and 4 as patches, no snapshot.
        using var resumed = Items.Of(b.Model(name, Options()).Stream(new StreamContext { ResumeOffset = last }));
        await resumed.WaitForAsync(2);
        Assert.Equal("""{"v":3,"p":{"items":{"c":"3"}}}""", resumed[0].Json);
        Assert.Equal("""{"v":4,"p":{"topic":"t"}}""", resumed[1].Json);
        await model.UpdateAsync(x => x.With("d", "4"));
        await resumed.WaitForAsync(3);
        Assert.Equal("""{"v":5,"p":{"items":{"d":"4"}}}""", resumed[2].Json);
    }

    [Fact]
    public async Task A_client_further_behind_than_the_history_gets_a_fresh_snapshot_never_a_wrong_state()
    {
        var (a, b) = await TwoAsync();
        var name = NewName();
        var model = a.Model(name, Options(history: 3));
        var first = await model.UpdateAsync(x => x.With("k0", "0"));
        StreamOffset offset;
        using (var items = Items.Of(model.Stream(new StreamContext())))
        {
            await items.WaitForAsync(1);
            offset = items[0].Offset!.Value;
        }
        for (var i = 1; i <= 40; i++)
        {
            await model.UpdateAsync(x => x.With($"k{i}", $"{i}"));
        }

        using var resumed = Items.Of(b.Model(name, Options(history: 3)).Stream(new StreamContext { ResumeOffset = offset }));
        await resumed.WaitForAsync(1);
        Assert.StartsWith("""{"v":41,"s":""", resumed[0].Json, StringComparison.Ordinal);
        Assert.Contains("\"k40\":\"40\"", resumed[0].Json, StringComparison.Ordinal);

        // An offset the model never had (another life, another model): a snapshot too.
        using var stranger = Items.Of(model.Stream(new StreamContext { ResumeOffset = new StreamOffset(1, 0) }));
        await stranger.WaitForAsync(1);
        Assert.StartsWith("""{"v":41,"s":""", stranger[0].Json, StringComparison.Ordinal);
        Assert.Equal(1, first.Version);
    }

    [Fact]
    public async Task Edits_go_through_the_handler_pipeline_and_a_refused_one_changes_nothing()
    {
        var (a, _) = await TwoAsync();
        var model = a.Model(NewName(), Options());
        var edits = new Subject<ModelEdit<string>>();
        var validated = edits.Select(e => e.Value.Length <= 5 ? e.With(e.Value.Trim()) : e.Refuse("A topic is at most 5 characters."));
        using var items = Items.Of(model.Serve(new StreamContext(), validated, (board, topic) =>
            topic == "bad" ? throw new ModelEditRefusedException("Not that word.") : board with { Topic = topic }));
        await items.WaitForAsync(1);

        edits.OnNext(new ModelEdit<string>(1, " ok "));
        await items.WaitUntilAsync(i => i.Json == """{"w":1,"v":1}""");
        edits.OnNext(new ModelEdit<string>(2, "far too long"));
        await items.WaitUntilAsync(i => i.Json.StartsWith("""{"w":2""", StringComparison.Ordinal));
        edits.OnNext(new ModelEdit<string>(3, "bad"));
        await items.WaitUntilAsync(i => i.Json.StartsWith("""{"w":3""", StringComparison.Ordinal));

        Assert.Contains(items.All, i => i.Json == """{"w":2,"code":"edit_refused","error":"A topic is at most 5 characters."}""");
        Assert.Contains(items.All, i => i.Json == """{"w":3,"code":"edit_refused","error":"Not that word."}""");
        Assert.Contains(items.All, i => i.Json == """{"v":1,"p":{"topic":"ok"}}""");
        var now = await model.GetAsync();
        Assert.Equal(1, now.Version);
        Assert.Equal("ok", now.State.Topic);
    }

    [Fact]
    public async Task Edits_a_client_sends_faster_than_they_are_applied_wait_up_to_a_bound_and_then_are_refused_at_once()
    {
        var (a, _) = await TwoAsync();
        var model = a.Model(NewName(), Options());
        var edits = new Subject<ModelEdit<string>>();
        using var release = new ManualResetEventSlim();
        var applying = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var items = Items.Of(model.Serve(new StreamContext(), edits, (board, topic) =>
        {
            if (topic == "first")
            {
                // The first edit holds the model stream's turn until the test lets it go.
                applying.TrySetResult();
                release.Wait(TimeSpan.FromSeconds(60));
            }
            return board with { Topic = topic };
        }));
        await items.WaitForAsync(1);

        edits.OnNext(new ModelEdit<string>(1, "first"));
        await Wait.ForAsync(applying.Task, "the first edit is being applied");
        const int pendingAllowed = 64;
        for (var id = 2; id <= pendingAllowed + 1; id++)
        {
            edits.OnNext(new ModelEdit<string>(id, "t" + id));
        }
        // The first is being applied and 63 wait: the 65th is refused at once, while the first still holds.
        var refused = $$"""{"w":{{pendingAllowed + 1}},"code":"rate_limited",""";
        await items.WaitUntilAsync(i => i.Json.StartsWith(refused, StringComparison.Ordinal));
        Assert.DoesNotContain(items.All, i => i.Json.StartsWith("""{"w":1,""", StringComparison.Ordinal));

        release.Set();
        await items.WaitUntilAsync(i => i.Json == $$"""{"w":{{pendingAllowed}},"v":{{pendingAllowed}}}""");
        Assert.Single(items.All, i => i.Json.Contains("rate_limited", StringComparison.Ordinal));
        Assert.Equal(pendingAllowed, (await model.GetAsync()).Version);
    }

    private async Task<(StreamHub A, StreamHub B)> TwoAsync()
    {
        var nodes = await NodesAsync(2);
        return (nodes[0], nodes[1]);
    }

    /// <summary>What a model stream sends, as a client would get it.</summary>
    protected sealed class Items : IDisposable
    {
        private readonly ConcurrentQueue<(string Json, StreamOffset? Offset)> _items = new();
        private readonly IDisposable _subscription;
        private Exception? _error;

        private Items(IObservable<ModelStreamItem> source)
            => _subscription = source.Subscribe(i => _items.Enqueue((Encoding.UTF8.GetString(i.Payload.Span), i.Offset)), e => _error = e);

        public static Items Of<T>(ModelStream<T> stream) => new(stream.Items);

        public (string Json, StreamOffset? Offset) this[int index] => _items.ElementAt(index);

        public IReadOnlyList<(string Json, StreamOffset? Offset)> All => [.. _items];

        public Task WaitForAsync(int count) => Wait.UntilAsync(() => _error is null ? _items.Count >= count : throw _error, $"{count} items (have: {string.Join(" ", _items.Select(i => i.Json))})");

        public Task WaitUntilAsync(Func<(string Json, StreamOffset? Offset), bool> condition)
            => Wait.UntilAsync(() => _error is null ? _items.Any(condition) : throw _error, $"an item like that (have: {string.Join(" ", _items.Select(i => i.Json))})");

        public void Dispose() => _subscription.Dispose();
    }
}

public sealed class InMemoryModelTests : ModelContractTests
{
    protected override Task<StreamHub[]> NodesAsync(int count)
    {
        var backplane = new RxStreams.Backplanes.InMemory.InMemoryBackplane();
        return Task.FromResult(Enumerable.Range(0, count).Select(_ => new StreamHub(backplane)).ToArray());
    }
}
