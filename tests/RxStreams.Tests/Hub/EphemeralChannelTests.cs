using System.Collections.Concurrent;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using RxStreams.Testing;

namespace RxStreams.Tests.Hub;

public sealed class EphemeralChannelTests
{
    [Fact]
    public async Task Subscribers_present_get_each_item_and_late_ones_get_no_history()
    {
        var hub = Hubs.InMemory();
        var typing = hub.Ephemeral<TestMessage>("typing");
        var early = new ConcurrentQueue<TestMessage>();
        using var a = typing.Subscribe(early.Enqueue);
        await typing.PublishAsync(new TestMessage(1, 1));
        var late = new ConcurrentQueue<TestMessage>();
        using var b = typing.Subscribe(late.Enqueue);
        typing.OnNext(new TestMessage(1, 2));
        await Wait.UntilAsync(() => early.Count == 2 && late.Count == 1, "both subscribers got what was sent while they listened");
        Assert.Equal([1, 2], early.Select(m => m.Sequence));
        Assert.Equal([2], late.Select(m => m.Sequence));
    }

    [Fact]
    public async Task Connect_publishes_the_input_to_everyone()
    {
        var hub = Hubs.InMemory();
        var cursors = hub.Ephemeral<TestMessage>("cursors");
        var input = new Subject<TestMessage>();
        var seen = new ConcurrentQueue<TestMessage>();
        var other = new ConcurrentQueue<TestMessage>();
        using var a = cursors.Connect(input).Subscribe(seen.Enqueue);
        using var b = cursors.Subscribe(other.Enqueue);
        input.OnNext(new TestMessage(7, 1));
        await Wait.UntilAsync(() => seen.Count == 1 && other.Count == 1, "both saw the message");
    }
}
