using Chat.Model;
using Microsoft.AspNetCore.Authorization;
using RxStreams;

namespace Chat.Handlers;

/// <summary>
/// A user's own view of other people, kept on the server so every device and every node agrees: names given to
/// them (<c>contacts</c>, <c>contacts/name</c>), and direct conversations taken off the list (<c>inbox/remove</c>:
/// an entry in the user's inbox; the conversation comes back when the other person writes again, see
/// <see cref="DirectMessages"/>).
/// </summary>
[Authorize]
public sealed partial class Contacts(IStreamHub hub)
{
    /// <summary><c>contacts</c>: the names the user gave people (resumable; the latest entry per person wins).</summary>
    [StreamRoute("contacts")]
    public IObservable<StreamItem<ContactName>> Names(StreamContext context)
        => hub.Channel<ContactName>(Channels.Contacts(ChatUser.Of(context).Id), Channels.ContactHistory).From(context.ResumeOffset ?? StreamOffset.Start);

    /// <summary><c>contacts/name</c>: names a person (or, with no name, goes back to their own display name).</summary>
    [StreamRoute("contacts/name")]
    public async Task Rename(ContactName request, StreamContext context)
    {
        var me = ChatUser.Of(context);
        var peer = Peer(request.PeerId, me);
        var name = string.IsNullOrWhiteSpace(request.Name) ? null
            : Model.Names.ToDisplayName(request.Name) ?? throw new StreamException("invalid_name", $"A contact name has 1 to {Model.Names.MaxDisplayName} characters.");
        await hub.Channel<ContactName>(Channels.Contacts(me.Id), Channels.ContactHistory).PublishAsync(new ContactName(peer, name), context.Aborted);
    }

    /// <summary><c>inbox/remove</c>: takes a direct conversation off the user's list, on every device.</summary>
    [StreamRoute("inbox/remove")]
    public async Task Remove(RemoveConversation request, StreamContext context)
    {
        var me = ChatUser.Of(context);
        var peer = Peer(request.PeerId, me);
        await hub.Channel<Conversation>(Channels.Inbox(me.Id)).PublishAsync(new Conversation(peer, null, Removed: true), context.Aborted);
    }

    private static string Peer(string? id, ChatUser me)
        => Model.Names.IsUserId(id) && id != me.Id ? id! : throw new StreamException("invalid_peer", "Name another user, by their user id.");
}
