using System.Text.Json;
using Microsoft.AspNetCore.SignalR;

namespace RxStreams.LoadTests.Servers;

/// <summary>The SignalR side of every workload: the idiomatic hub (an invocation for echo, a group for broadcast, a group per chat room).</summary>
public sealed class LoadHub(RedisRelay? relay = null) : Hub
{
    public const string Group = "bcast";

    public LoadMessage Echo(LoadMessage message) => message;

    public async Task Subscribe()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, Group);
        Context.Items["subscribed"] = true;
        ServerCounters.Subscribed();
    }

    /// <summary>Many rooms: the caller joins the room's group.</summary>
    public async Task JoinRoom(string room)
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, RoomGroup(room));
        Context.Items["subscribed"] = true;
        ServerCounters.Subscribed();
    }

    /// <summary>Many rooms: a member's message to everyone in the room (the sender included, as in a chat).</summary>
    public Task SendToRoom(string room, LoadMessage message) => Clients.Group(RoomGroup(room)).SendAsync("m", message);

    private static string RoomGroup(string room) => "room:" + room;

    public Task Publish(LoadMessage message)
    {
        if (relay is not null)
        {
            relay.Publish(JsonSerializer.SerializeToUtf8Bytes(message, LoadJsonContext.Default.LoadMessage));
            return Task.CompletedTask;
        }
        return Clients.Group(Group).SendAsync("m", message);
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.ContainsKey("subscribed"))
        {
            ServerCounters.Unsubscribed();
        }
        return base.OnDisconnectedAsync(exception);
    }
}
