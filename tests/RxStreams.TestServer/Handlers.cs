using System.Reactive.Linq;
using RxStreams;

namespace RxStreams.TestServer;

/// <summary>A durable feed: read from the start, or after the client's last offset when it resumes.</summary>
[StreamRoute("feed/{name}")]
public sealed partial class FeedHandler(IStreamHub hub)
{
    public IObservable<StreamItem<Tick>> Read(string name, StreamContext context)
        => hub.Channel<Tick>("feed:" + name, new StreamChannelOptions { MaxLength = 100_000 }).From(context.ResumeOffset ?? StreamOffset.Start);
}

/// <summary>Publishes to a feed and answers with the item's offset once the backplane holds it (acknowledged).</summary>
[StreamRoute("publish/{name}")]
public sealed partial class PublishHandler(IStreamHub hub)
{
    public async Task<string> Publish(string name, Tick tick)
        => (await hub.Channel<Tick>("feed:" + name, new StreamChannelOptions { MaxLength = 100_000 }).PublishAsync(tick)).ToString();
}

/// <summary>A room: what a client sends is published, what anyone publishes comes back.</summary>
[StreamRoute("room/{name}")]
public sealed partial class RoomHandler(IStreamHub hub, NodeInfo node)
{
    public IObservable<StreamItem<Tick>> Join(string name, IObservable<Tick> input, StreamContext context)
        => hub.Channel<Tick>("room:" + name).Connect(input.Select(t => t with { Node = node.Name }), context.ResumeOffset ?? StreamOffset.Start);
}

/// <summary>Presence: the member is there for as long as the stream is open.</summary>
[StreamRoute("presence/{set}/{member}")]
public sealed partial class PresenceHandler(IStreamHub hub, NodeInfo node)
{
    public IObservable<PresenceEvent> Join(string set, string member)
        => hub.Presence(set).Join(new PresenceMember(member, member, node.Name));
}

/// <summary>Answers while the node lives (does not touch the backplane).</summary>
[StreamRoute("node")]
public sealed partial class NodeHandler(NodeInfo node)
{
    public Task<string> Name(Tick ignored) => Task.FromResult(node.Name);
}

public sealed record NodeInfo(string Name);

/// <summary>A realtime model: a counter that clients add 1 to 10 to, through this handler (anything else is refused).</summary>
[StreamRoute("counter/{name}")]
public sealed partial class CounterHandler(IStreamHub hub, NodeInfo node)
{
    public RxStreams.Models.ModelStream<Counter> Count(string name, IObservable<RxStreams.Models.ModelEdit<AddToCounter>> edits, StreamContext context)
        => hub.Model("counter:" + name, new RxStreams.Models.StreamModelOptions<Counter> { Initial = new Counter(0, null) }).Serve(
            context,
            edits.Select(e => e.Value.N is > 0 and <= 10 ? e : e.Refuse("Add 1 to 10.")),
            (counter, add) => new Counter(counter.Count + add.N, node.Name));
}
