using System.Reactive.Linq;
using Chat.Model;
using Microsoft.AspNetCore.Authorization;
using RxStreams;

namespace Chat.Handlers;

/// <summary>
/// <c>typing/{room}</c>: the client writes <c>true</c> on keystrokes and <c>false</c> when it sends or clears its
/// message. The server samples each user's input once a second (the latest state of each second, so a burst of
/// keystrokes is one event and "stopped" is never overtaken by a stale "typing") onto an ephemeral channel (no
/// history: a late "is typing" is worthless), and sends back the others'.
/// </summary>
[Authorize]
[StreamRoute("typing/{room}")]
public sealed partial class TypingIndicator(IStreamHub hub, RoomDirectory rooms)
{
    public IObservable<Typing> Join(string room, IObservable<bool> input, StreamContext context)
    {
        rooms.Require(room);
        var me = ChatUser.Of(context);
        var typing = input
            .Sample(TimeSpan.FromSeconds(1))
            .Select(active => new Typing(me.Id, me.Name, active));
        return hub.Ephemeral<Typing>(Channels.Typing(room))
            .Connect(typing)
            .Where(typing => typing.UserId != me.Id);
    }
}
