using System.Reactive.Linq;
using Chat.Model;
using Chat.Rx;
using Microsoft.AspNetCore.Authorization;
using RxStreams;

namespace Chat.Handlers;

/// <summary>
/// <c>typing/{room}</c>: the client writes <c>true</c> on keystrokes; the server lets one through every two seconds
/// per user onto an ephemeral channel (no history: a late "is typing" is worthless), and sends back the others'.
/// </summary>
[Authorize]
[StreamRoute("typing/{room}")]
public sealed partial class TypingIndicator(IStreamHub hub, RoomDirectory rooms)
{
    public IObservable<Typing> Join(string room, IObservable<bool> input, StreamContext context)
    {
        rooms.Require(room);
        var me = ChatUser.Of(context);
        var keystrokes = input
            .ThrottleFirst(TimeSpan.FromSeconds(2), context.Clock)
            .Select(_ => new Typing(me.Id, me.Name));
        return hub.Ephemeral<Typing>(Channels.Typing(room))
            .Connect(keystrokes)
            .Where(typing => typing.UserId != me.Id);
    }
}
