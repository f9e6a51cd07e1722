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
