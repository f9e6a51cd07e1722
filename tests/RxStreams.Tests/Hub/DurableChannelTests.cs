using System.Collections.Concurrent;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using RxStreams.Backplanes.InMemory;
using RxStreams.Channels;
using RxStreams.Testing;

namespace RxStreams.Tests.Hub;

public sealed class DurableChannelTests
{
    [Fact]
    public async Task An_offset_from_an_earlier_life_of_the_channel_is_not_recovered()
    {
        var before = Hubs.InMemory().Channel<TestMessage>("restarted");
        var old = await before.PublishAsync(new TestMessage(0, 0));

        // A new process: a new backplane, the same channel name. Its history began after `old`.
        await Wait.UntilAsync(() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() > (long)old.Major, "the clock moved on");
        var after = Hubs.InMemory().Channel<TestMessage>("restarted");
        await after.PublishAsync(new TestMessage(0, 1));
        var info = await after.GetInfoAsync();
        Assert.True(info.Epoch > old);

        var error = await Assert.ThrowsAsync<StreamNotRecoveredException>(() => after.From(old).FirstAsync().ToTask());
        Assert.Equal(info.First, error.Offset);
    }

    [Fact]
    public async Task Connect_publishes_the_input_and_returns_the_stream()
    {
        var hub = Hubs.InMemory();
        var channel = hub.Channel<TestMessage>("connect");
        var inputA = new Subject<TestMessage>();
        var inputB = new Subject<TestMessage>();
        var seenByA = new ConcurrentQueue<TestMessage>();
        var seenByB = new ConcurrentQueue<TestMessage>();
        using var a = channel.Connect(inputA).Subscribe(i => seenByA.Enqueue(i.Value));
        using var b = channel.Connect(inputB, StreamOffset.Start).Subscribe(i => seenByB.Enqueue(i.Value));

        inputA.OnNext(new TestMessage(1, 0));
        inputB.OnNext(new TestMessage(2, 0));
        inputA.OnCompleted(); // the output goes on
        await channel.PublishAsync(new TestMessage(3, 0));

        await Wait.UntilAsync(() => seenByA.Count == 3 && seenByB.Count == 3, "both connections saw all three messages");
        Assert.Equal(seenByA, seenByB);
        Assert.Equal([1, 2, 3], seenByA.Select(m => m.Publisher));
    }

    [Fact]
    public async Task Connect_fails_the_stream_when_the_input_fails()
    {
        var hub = Hubs.InMemory();
        var channel = hub.Channel<TestMessage>("connect-error");
        var input = new Subject<TestMessage>();
        var failed = new TaskCompletionSource<Exception>();
        using var _ = channel.Connect(input).Subscribe(_ => { }, failed.SetResult);
        input.OnError(new StreamException("invalid_payload", "bad"));
        var error = await Wait.ForAsync(failed.Task, "the error");
        Assert.Equal("invalid_payload", Assert.IsType<StreamException>(error).Code);
    }

    [Fact]
    public void Channels_are_shared_by_name_and_type()
    {
        var hub = Hubs.InMemory();
        Assert.Same(hub.Channel<TestMessage>("x"), hub.Channel<TestMessage>("x"));
        Assert.NotSame(hub.Channel<TestMessage>("x"), hub.Channel<TestMessage>("y"));
        Assert.Throws<ArgumentException>(() => hub.Channel<TestMessage>(""));
        Assert.Throws<ArgumentException>(() => hub.Channel<TestMessage>(new string('x', 513)));
    }

    [Fact]
    public void A_type_without_a_serializer_gets_an_actionable_error()
    {
        var hub = Hubs.InMemory();
        var error = Assert.Throws<InvalidOperationException>(() => hub.Channel<Unserializable>("x"));
        Assert.Contains("[StreamMessage]", error.Message);
        Assert.Contains(nameof(Unserializable), error.Message);
    }

    [Fact]
    public async Task A_publisher_calling_from_within_a_subscriber_keeps_order_and_does_not_deadlock()
    {
        var hub = Hubs.InMemory();
        var channel = hub.Channel<TestMessage>("reentrant");
        var seen = new ConcurrentQueue<int>();
        using var echo = channel.Subscribe(i =>
        {
            seen.Enqueue(i.Value.Sequence);
            if (i.Value.Sequence < 10)
            {
                channel.OnNext(new TestMessage(0, i.Value.Sequence + 1));
            }
        });
        channel.OnNext(new TestMessage(0, 0));
        await Wait.UntilAsync(() => seen.Count == 11, "the echo chain finished");
        Assert.Equal(Enumerable.Range(0, 11), seen);
    }

    private sealed record Unserializable(int X);
}
