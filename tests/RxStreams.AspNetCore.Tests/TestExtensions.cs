using Microsoft.Extensions.DependencyInjection;
using RxStreams.AspNetCore.Connections;
using RxStreams.Protocol;
using RxStreams.Testing;

namespace RxStreams.AspNetCore.Tests;

internal static class TestExtensions
{
    public static StreamConnectionHandler GetConnectionHandler(this IServiceProvider services) => services.GetRequiredService<StreamConnectionHandler>();

    /// <summary>The host's connection that was not among <paramref name="before"/>, once it is registered.</summary>
    public static async Task<StreamConnection> WaitForNewConnectionAsync(this KestrelHost host, HashSet<StreamConnection> before)
    {
        StreamConnection? found = null;
        await Wait.UntilAsync(() => (found = host.Services.GetConnectionHandler().Connections.FirstOrDefault(c => !before.Contains(c))) is not null, "the connection is registered");
        return found!;
    }

    /// <summary>The connection still works: an echo stream opened on <paramref name="id"/> answers.</summary>
    public static async Task AssertAliveAsync(this RawClient client, uint id)
    {
        await client.OpenAsync(id, "echo/99");
        await client.NextAsync(id, "{\"text\":\"still here\"}");
        var echo = await client.ReceiveUntilAsync(f => f.StreamId == id);
        Assert.Equal(FrameType.Next, echo.Type);
        Assert.Contains("still here", echo.Payload);
    }
}
