using Chat.Model;
using Chat.Rx;
using Microsoft.AspNetCore.Authorization;
using RxStreams;

namespace Chat.Handlers;

/// <summary>
/// <c>chat/{room}</c>: what the client writes goes through the policy and the rate limit, is stamped with the user
/// and the time, and is published to the room; what comes back is the room's history, then its live messages.
/// The stream is resumable: a reconnecting client comes back after the last message it saw.
/// </summary>
[Authorize]
[StreamRoute("chat/{room}")]
public sealed partial class ChatRoom(IStreamHub hub, RoomDirectory rooms, MessagePolicy policy)
{
    public IObservable<StreamItem<ChatMessage>> Join(string room, IObservable<Post> input, StreamContext context)
    {
        rooms.Require(room);
        var me = ChatUser.Of(context);
        var messages = input.ToMessages(me, policy, hub.Ephemeral<Notice>(Channels.Notices(me.Id)), context);
        return hub.Channel<ChatMessage>(Channels.Room(room), Channels.History)
            .Connect(messages, from: context.ResumeOffset ?? StreamOffset.Start);
    }
}
