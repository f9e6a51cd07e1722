using System.Reactive.Linq;
using Chat.Model;
using Microsoft.AspNetCore.Authorization;
using RxStreams;
using RxStreams.Models;

namespace Chat.Handlers;

/// <summary>
/// <c>room/{room}</c>: the room's topic and pinned message, a realtime model. Members get the state, then only its
/// changes; their edits go through the validation below (an Rx pipeline) and are applied with compare-and-set, so two
/// members changing the room on two nodes at once both win.
/// </summary>
[Authorize]
[StreamRoute("room/{room}")]
public sealed partial class RoomStateHandler(IStreamHub hub, RoomDirectory rooms)
{
    /// <summary>The longest topic.</summary>
    public const int MaxTopicLength = 120;

    public ModelStream<RoomState> Watch(string room, IObservable<ModelEdit<RoomEdit>> edits, StreamContext context)
    {
        rooms.Require(room);
        var me = ChatUser.Of(context);
        return hub.Model(Channels.RoomState(room), Channels.RoomStateOptions).Serve(
            context,
            edits.Select(edit => Validate(edit) is { } reason ? edit.Refuse(reason) : edit),
            (state, edit) => Apply(state, edit, me, context.Now));
    }

    /// <summary>Why an edit is refused, or null.</summary>
    public static string? Validate(ModelEdit<RoomEdit> edit) => edit.Value switch
    {
        { Topic: { Length: > MaxTopicLength } } => $"A topic is at most {MaxTopicLength} characters.",
        { Pin: { Text.Length: 0 or > MessagePolicy.MaxLength } } => "Pin a message of the room.",
        { Pin: null, Topic: null, Unpin: false } => "The edit changes nothing.",
        _ => null,
    };

    /// <summary>The room's state after an edit (pure: it may run more than once when members edit at the same time).</summary>
    public static RoomState Apply(RoomState state, RoomEdit edit, ChatUser by, DateTimeOffset at)
    {
        if (edit.Topic is { } topic)
        {
            state = state with { Topic = topic.Trim() is { Length: > 0 } t ? t : null };
        }
        if (edit.Unpin)
        {
            state = state with { Pinned = null };
        }
        if (edit.Pin is { } pin)
        {
            state = state with { Pinned = new PinnedMessage(pin.MessageId, pin.From, pin.Text, by.Name, at) };
        }
        return state;
    }
}
