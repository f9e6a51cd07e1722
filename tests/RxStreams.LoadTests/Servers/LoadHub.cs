using System.Text.Json;
using Microsoft.AspNetCore.SignalR;

namespace RxStreams.LoadTests.Servers;

/// <summary>The SignalR side of every workload: the idiomatic hub (an invocation for echo, a group for broadcast).</summary>
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
