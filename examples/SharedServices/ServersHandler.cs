using RxStreams;
using RxStreams.Servers;

namespace SharedServices;

/// <summary>
/// The server's view of the client-hosted services: a snapshot of the names served, then every one created and
/// destroyed, on any node. The page's "Servers" panel subscribes to it (<c>rx.subscribe("servers", …)</c>).
/// </summary>
[StreamRoute("servers")]
public sealed partial class ServersHandler(IStreamHub hub)
{
    public IObservable<StreamServerEvent> Watch() => hub.Servers.Watch();
}
