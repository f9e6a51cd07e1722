using System.Reactive.Linq;
using RxStreams.Generators.Tests.Messages;

namespace RxStreams.Generators.Tests.Handlers;

/// <summary>The design document's handler: a class template given to its only public method, duplex and resumable.</summary>
[StreamRoute("chat/{room}")]
public sealed partial class ChatRoom(Probe probe)
{
    public IObservable<StreamItem<ChatMessage>> Join(string room, IObservable<ChatMessage> input, StreamContext context)
    {
        probe.Record("ChatRoom.Join", room, context);
        return input.Select((m, i) => new StreamItem<ChatMessage>(
            new StreamOffset(1000, (ulong)i),
            m with { From = context.UserName, Text = room + ": " + m.Text },
            DateTimeOffset.UnixEpoch));
    }
}
