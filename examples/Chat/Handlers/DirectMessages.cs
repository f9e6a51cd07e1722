using System.Reactive.Linq;
using Chat.Model;
using Chat.Rx;
using Microsoft.AspNetCore.Authorization;
using RxStreams;

namespace Chat.Handlers;

/// <summary>
/// Private messages. <c>dm/{peer}</c> is the conversation between the signed-in user and <c>peer</c>: the channel
/// name is made from the user id of the cookie and the peer's, sorted, so a user can open only conversations they are
/// part of. The first message of a stream also tells both inboxes (<c>inbox</c>) that the conversation exists, and so
/// does the first message after the peer removed the conversation from their list (<c>inbox/remove</c>): it comes back.
/// </summary>
[Authorize]
public sealed partial class DirectMessages(IStreamHub hub, MessagePolicy policy)
{
    [StreamRoute("dm/{peer}")]
    public IObservable<StreamItem<ChatMessage>> Talk(string peer, IObservable<Post> input, StreamContext context)
    {
        var me = ChatUser.Of(context);
        if (!Names.IsUserId(peer) || peer == me.Id)
        {
            throw new StreamException("invalid_peer", "Direct messages go to another user, by their user id.");
        }
        var messages = input
            .ToMessages(me, policy, hub.Ephemeral<Notice>(Channels.Notices(me.Id)), context)
            .DoFirst(RemovedBy(peer, me), _ =>
            {
                hub.Channel<Conversation>(Channels.Inbox(peer)).OnNext(new Conversation(me.Id, me.Name));
                hub.Channel<Conversation>(Channels.Inbox(me.Id)).OnNext(new Conversation(peer, null));
            });
        return hub.Channel<ChatMessage>(Channels.Direct(me.Id, peer), Channels.History)
            .Connect(messages, from: context.ResumeOffset ?? StreamOffset.Start);
    }

    // The peer taking this conversation off their list (the live tail of their inbox).
    private IObservable<StreamItem<Conversation>> RemovedBy(string peer, ChatUser me)
        => hub.Channel<Conversation>(Channels.Inbox(peer)).Where(entry => entry.Value.Removed && entry.Value.PeerId == me.Id);

    /// <summary><c>inbox</c>: the user's conversations (resumable), so a recipient learns of a new one at once.</summary>
    [StreamRoute("inbox")]
    public IObservable<StreamItem<Conversation>> Inbox(StreamContext context)
        => hub.Channel<Conversation>(Channels.Inbox(ChatUser.Of(context).Id)).From(context.ResumeOffset ?? StreamOffset.Start);

    /// <summary><c>notices</c>: why a message of the user's was refused (rate limit, length).</summary>
    [StreamRoute("notices")]
    public IObservable<Notice> Notices(StreamContext context)
        => hub.Ephemeral<Notice>(Channels.Notices(ChatUser.Of(context).Id));
}
