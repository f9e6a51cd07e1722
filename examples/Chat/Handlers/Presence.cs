using Chat.Model;
using Microsoft.AspNetCore.Authorization;
using RxStreams;

namespace Chat.Handlers;

/// <summary>
/// <c>presence/{room}</c>: who is in the room. Subscribing joins (as this connection, showing the display name) and
/// ending the stream leaves, on every node; a node that dies takes its members with it when their leases expire.
/// </summary>
[Authorize]
[StreamRoute("presence/{room}")]
public sealed partial class Presence(IStreamHub hub, RoomDirectory rooms)
{
    public IObservable<PresenceEvent> Join(string room, StreamContext context)
    {
        rooms.Require(room);
        var me = ChatUser.Of(context);
        return hub.Presence(Channels.Room(room)).Join(new PresenceMember(context.ConnectionId, me.Id, me.Name));
    }
}
