using System.Reactive.Linq;
using Chat.Model;
using Microsoft.AspNetCore.Authorization;
using RxStreams;

namespace Chat.Handlers;

/// <summary>The room directory: every room ever created (resumable), and an RPC to create one.</summary>
[Authorize]
[StreamRoute("rooms")]
public sealed partial class Rooms(IStreamHub hub, RoomDirectory directory)
{
    /// <summary><c>rooms</c>: the rooms, from the start of the channel, then new ones as they are created.</summary>
    [StreamRoute("")]
    public IObservable<StreamItem<RoomInfo>> List(StreamContext context)
        => hub.Channel<RoomInfo>(Channels.Rooms)
            .From(context.ResumeOffset ?? StreamOffset.Start)
            .Distinct(room => room.Value.Name);

    /// <summary><c>rooms/create</c>: validates the name ("My Room" becomes "my-room") and creates the room if it is new.</summary>
    [StreamRoute("create")]
    public Task<RoomInfo> Create(CreateRoom request, StreamContext context)
        => Names.ToRoom(request.Name) is { } name
            ? directory.CreateAsync(name, ChatUser.Of(context).Name, context.Now, context.Aborted)
            : throw new StreamException("invalid_room_name", "Room names use letters, digits and dashes, up to 24 characters.");
}
