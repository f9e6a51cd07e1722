using System.Reactive.Linq;
using Chat.Model;
using Chat.Rx;
using Microsoft.AspNetCore.Authorization;
using RxStreams;

namespace Chat.Handlers;

/// <summary>
/// Unread counts, kept by the server from offsets: <c>read</c> records the last offset a user has seen in a room or
/// a conversation (on a durable channel that keeps only the latest, so every tab and device agrees, and reloads keep
/// it); <c>unread/{room}</c> and <c>unread/dm/{peer}</c> count the others' messages after it, live.
/// </summary>
[Authorize]
public sealed partial class Unread(IStreamHub hub, RoomDirectory rooms)
{
    private static readonly TimeSpan s_quiet = TimeSpan.FromMilliseconds(60);
    private static readonly TimeSpan s_updates = TimeSpan.FromMilliseconds(200);

    [StreamRoute("unread/{room}")]
    public IObservable<int> Room(string room, StreamContext context)
    {
        rooms.Require(room);
        return Count(Channels.Room(room), ChatUser.Of(context));
    }

    [StreamRoute("unread/dm/{peer}")]
    public IObservable<int> Direct(string peer, StreamContext context)
    {
        var me = ChatUser.Of(context);
        return Count(Channels.Direct(me.Id, peer), me);
    }

    [StreamRoute("read")]
    public async Task Read(MarkRead read, StreamContext context)
    {
        var me = ChatUser.Of(context);
        var channel = read switch
        {
            { Room: { } room } when rooms.Contains(room) => Channels.Room(room),
            { Peer: { } peer } when Names.IsUserId(peer) => Channels.Direct(me.Id, peer),
            _ => throw new StreamException("invalid_read", "Say which room or which peer."),
        };
        if (!StreamOffset.TryParse(read.Offset, out var offset))
        {
            throw new StreamException("invalid_read", "The offset is not a stream offset.");
        }
        await hub.Channel<ReadPosition>(Channels.Read(me.Id, channel), Channels.LatestOnly).PublishAsync(new ReadPosition(offset.ToString()), context.Aborted);
    }

    // The latest read position (its channel replayed, then live; Throttle keeps only the last of a burst: the client
    // sends a few a second at most), and for each, the others' messages after it counted (Switch drops the count of
    // the previous position).
    private IObservable<int> Count(string channel, ChatUser me)
    {
        var messages = hub.Channel<ChatMessage>(channel, Channels.History);
        return hub.Channel<ReadPosition>(Channels.Read(me.Id, channel), Channels.LatestOnly)
            .From(StreamOffset.Start)
            .Select(read => StreamOffset.Parse(read.Value.Offset))
            .StartWith(StreamOffset.Start)
            .Throttle(s_quiet)
            .Select(lastRead => messages
                .From(lastRead)
                .Catch((StreamNotRecoveredException _) => messages.From(StreamOffset.Start))
                .Where(message => message.Value.UserId != me.Id)
                .RunningCount(s_updates))
            .Switch()
            .DistinctUntilChanged();
    }
}
