namespace RxStreams.Servers;

/// <summary>
/// Client-hosted stream servers: a client listens on a name (the browser client's <c>rx.listen(name, …)</c>, the .NET
/// client's <c>ListenAsync</c>), and other clients — or server code, through this interface — connect to it through
/// the server, on any node. One owner per name at a time, held by a lease in the backplane.
/// </summary>
public interface IStreamServers
{
    /// <summary>A <see cref="StreamServerEventKind.Snapshot"/> of the servers, then every one created and destroyed, across nodes.</summary>
    IObservable<StreamServerEvent> Watch();

    /// <summary>The names served now.</summary>
    ValueTask<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Connects to the client-hosted server <paramref name="name"/> while subscribed: <paramref name="input"/> goes to
    /// it, what it answers comes out. Fails with <see cref="StreamException"/> <c>no_such_server</c> when nobody hosts
    /// the name, or <c>server_gone</c> when its host goes away.
    /// </summary>
    IObservable<TOut> Connect<TIn, TOut>(string name, IObservable<TIn> input);

    /// <summary>
    /// Asks the client hosting <paramref name="name"/> and returns its answer (the server asks a client, like
    /// SignalR's client results). The client's error comes back as a <see cref="StreamException"/> with its code.
    /// </summary>
    /// <exception cref="TimeoutException">No answer within <paramref name="timeout"/> (default 30 seconds).</exception>
    Task<TResponse> InvokeAsync<TRequest, TResponse>(string name, TRequest request, TimeSpan? timeout = null, CancellationToken cancellationToken = default);
}
