using System.Reactive.Linq;

namespace RxStreams.LoadTests.Servers;

// The RxStreams side of every workload: plain [StreamRoute] handlers, as an application would write them.

/// <summary>Echo: every input item comes back on the same stream (deserialized, then serialized again).</summary>
[StreamRoute("echo")]
public sealed partial class EchoRoute
{
    public IObservable<LoadMessage> Echo(IObservable<LoadMessage> input) => input;
}

/// <summary>Subscribes to the broadcast: the ephemeral channel's live items (pub/sub, like a SignalR group).</summary>
[StreamRoute("bcast")]
public sealed partial class BroadcastSubscribeRoute(IStreamHub hub)
{
    public IObservable<LoadMessage> Subscribe() => new CountedObservable<LoadMessage>(hub.Ephemeral<LoadMessage>("bcast"));
}

/// <summary>Publishes every input item to the broadcast channel; sends nothing back.</summary>
[StreamRoute("bcast-pub")]
public sealed partial class BroadcastPublishRoute(IStreamHub hub)
{
    public IObservable<LoadMessage> Publish(IObservable<LoadMessage> input)
    {
        var channel = hub.Ephemeral<LoadMessage>("bcast");
        return input.Do(channel.OnNext).IgnoreElements();
    }
}

/// <summary>Subscribes to the durable broadcast channel's live tail (offsets on the wire: resumable).</summary>
[StreamRoute("dbcast")]
public sealed partial class DurableSubscribeRoute(IStreamHub hub)
{
    public IObservable<StreamItem<LoadMessage>> Subscribe() => new CountedObservable<StreamItem<LoadMessage>>(hub.Channel<LoadMessage>("dbcast"));
}

/// <summary>Appends every input item to the durable broadcast channel (XADD on Redis).</summary>
[StreamRoute("dbcast-pub")]
public sealed partial class DurablePublishRoute(IStreamHub hub)
{
    public IObservable<LoadMessage> Publish(IObservable<LoadMessage> input)
    {
        var channel = hub.Channel<LoadMessage>("dbcast");
        return input.Do(channel.OnNext).IgnoreElements();
    }
}

/// <summary>
/// Many rooms: a member's stream of one chat room, as a chat would write it. What the member writes is published to
/// the room's ephemeral channel, and the stream is everything the room says (the member's own messages included).
/// </summary>
[StreamRoute("room/{id}")]
public sealed partial class RoomRoute(IStreamHub hub)
{
    public IObservable<LoadMessage> Join(string id, IObservable<LoadMessage> input)
        => new CountedObservable<LoadMessage>(hub.Ephemeral<LoadMessage>("room:" + id).Connect(input));
}

/// <summary>
/// The connection storm's durable channel: a new subscriber gets the live tail; one that comes back with the last
/// offset it saw (OPEN with an offset after a reconnection) gets the items after it, then the live tail.
/// </summary>
[StreamRoute("storm")]
public sealed partial class StormSubscribeRoute(IStreamHub hub)
{
    public IObservable<StreamItem<LoadMessage>> Subscribe(StreamContext context)
    {
        var channel = hub.Channel<LoadMessage>("storm");
        return new CountedObservable<StreamItem<LoadMessage>>(context.ResumeOffset is { } from ? channel.From(from) : channel);
    }
}

/// <summary>Appends every input item to the storm's durable channel.</summary>
[StreamRoute("storm-pub")]
public sealed partial class StormPublishRoute(IStreamHub hub)
{
    public IObservable<LoadMessage> Publish(IObservable<LoadMessage> input)
    {
        var channel = hub.Channel<LoadMessage>("storm");
        return input.Do(channel.OnNext).IgnoreElements();
    }
}
