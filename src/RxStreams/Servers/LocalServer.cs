using RxStreams.Routing;

namespace RxStreams.Servers;

/// <summary>A name this node owns, served by one of its client connections; disposing it frees the name.</summary>
internal sealed class LocalServer(HostedServerRegistry registry, string name, IHostingConnection connection, IAsyncDisposable lease) : IAsyncDisposable
{
    private int _disposed;

    public IHostingConnection Connection => connection;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        registry.Forget(this, name);
        // Free the name first, so a caller told that the server is gone can serve the name at once.
        try
        {
            await lease.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            // Everyone connected to it learns it is gone (other nodes also see the name leave).
            foreach (var hosted in registry.CallsTo(this))
            {
                hosted.OnError(StreamErrorCodes.ServerGone, $"The client hosting '{name}' stopped serving it.");
                hosted.Handle?.Cancel();
            }
            ServersLog.Stopped(registry.Logger, name);
        }
    }
}
