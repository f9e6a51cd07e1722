using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using RxStreams.Channels;

namespace RxStreams.Tests.Hub;

public sealed class SynchronousFanoutTests
{
    [Fact]
    public void A_hundred_thousand_observers_each_get_every_item_in_join_order_and_leaving_ones_get_no_more()
    {
        const int N = 100_000;
        var fanout = new SynchronousFanout<int>(NullLogger.Instance, "big");
        var order = new List<int>(N);
        var received = new int[N];
        var observers = Enumerable.Range(0, N).Select(i => new Recorder(v => { received[i] += v; order.Add(i); })).ToArray();
        Assert.True(fanout.Add(observers[0]));
        foreach (var observer in observers.Skip(1))
        {
            Assert.False(fanout.Add(observer));
        }
        fanout.OnNext(1);
        Assert.Equal(Enumerable.Range(0, N), order);

        // Every other one leaves: the array is compacted along the way, and the rest keep their order.
        for (var i = 0; i < N; i += 2)
        {
            Assert.False(fanout.Remove(observers[i]));
        }
        order.Clear();
        fanout.OnNext(10);
        Assert.Equal(Enumerable.Range(0, N).Where(i => i % 2 == 1), order);
        Assert.All(Enumerable.Range(0, N), i => Assert.Equal(i % 2 == 1 ? 11 : 1, received[i]));
        Assert.Equal(N / 2, fanout.Count);

        for (var i = 1; i < N - 1; i += 2)
        {
            Assert.False(fanout.Remove(observers[i]));
        }
        Assert.True(fanout.Remove(observers[N - 1]));
        Assert.True(fanout.IsEmpty);
        Assert.False(fanout.Remove(observers[N - 1]));
    }

    [Fact]
    public void The_same_observer_added_twice_gets_each_item_twice_until_removed_twice()
    {
        var fanout = new SynchronousFanout<int>(NullLogger.Instance, "twice");
        var count = 0;
        var observer = new Recorder(_ => count++);
        fanout.Add(observer);
        fanout.Add(observer);
        fanout.OnNext(1);
        Assert.Equal(2, count);
        Assert.False(fanout.Remove(observer));
        fanout.OnNext(1);
        Assert.Equal(3, count);
        Assert.True(fanout.Remove(observer));
        fanout.OnNext(1);
        Assert.Equal(3, count);
    }

    [Fact]
    public void An_observer_that_throws_is_detached_and_the_others_go_on()
    {
        var fanout = new SynchronousFanout<int>(NullLogger.Instance, "throws");
        var before = 0;
        var after = 0;
        fanout.Add(new Recorder(_ => before++));
        fanout.Add(new Recorder(_ => throw new InvalidOperationException("boom")));
        fanout.Add(new Recorder(_ => after++));
        fanout.OnNext(1);
        fanout.OnNext(1);
        Assert.Equal((2, 2, 2), (before, after, fanout.Count));
    }

    [Fact]
    public async Task Observers_that_stay_get_every_item_in_order_while_others_join_and_leave_during_deliveries()
    {
        const int Items = 20_000;
        var fanout = new SynchronousFanout<int>(NullLogger.Instance, "churn");
        var stayers = Enumerable.Range(0, 50).Select(_ => new ConcurrentQueue<int>()).ToArray();
        foreach (var queue in stayers)
        {
            fanout.Add(new Recorder(queue.Enqueue));
        }
        using var stop = new CancellationTokenSource();
        var churn = Task.Run(() =>
        {
            var random = new Random(7);
            var joined = new List<Recorder>();
            while (!stop.IsCancellationRequested)
            {
                if (joined.Count < 500 && random.Next(2) == 0)
                {
                    var observer = new Recorder(_ => { });
                    fanout.Add(observer);
                    joined.Add(observer);
                }
                else if (joined.Count > 0)
                {
                    var index = random.Next(joined.Count);
                    fanout.Remove(joined[index]);
                    joined.RemoveAt(index);
                }
            }
        });
        for (var i = 0; i < Items; i++)
        {
            fanout.OnNext(i);
        }
        stop.Cancel();
        await churn;
        Assert.All(stayers, queue => Assert.Equal(Enumerable.Range(0, Items), queue));
    }

    [Fact]
    public void Terminate_ends_every_observer_once_and_forgets_them()
    {
        var fanout = new SynchronousFanout<int>(NullLogger.Instance, "end");
        var ended = 0;
        var items = 0;
        for (var i = 0; i < 10; i++)
        {
            fanout.Add(new Recorder(_ => items++, () => ended++));
        }
        fanout.Terminate(null);
        fanout.OnNext(1);
        Assert.Equal((10, 0, true), (ended, items, fanout.IsEmpty));
    }

    private sealed class Recorder(Action<int> onNext, Action? onEnd = null) : IObserver<int>
    {
        public void OnNext(int value) => onNext(value);

        public void OnError(Exception error) => onEnd?.Invoke();

        public void OnCompleted() => onEnd?.Invoke();
    }
}
