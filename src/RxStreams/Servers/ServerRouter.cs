using System.Reactive.Disposables;
using System.Text;
using RxStreams.Protocol;
using RxStreams.Routing;

namespace RxStreams.Servers;

/// <summary>
/// The built-in routes of client-hosted stream servers, served by every host next to the application's:
/// <c>$listen/{name}</c> (the client becomes the server of the name while the stream is open; the server answers one
/// item, <c>{"name":"…"}</c>, once it owns the name, or <c>name_taken</c>) and <c>$connect/{name}</c> (a duplex stream
/// to that server, wherever it is; <c>no_such_server</c>, or <c>server_gone</c> when its host goes away).
/// </summary>
internal sealed class ServerRouter : StreamRouter
{
    public const string ListenPrefix = "$listen/";
    public const string ConnectPrefix = "$connect/";

    // The endpoints first: static fields initialize in order, and Instance reads them.
    private static readonly StreamEndpoint s_listen = new ListenEndpoint();
    private static readonly StreamEndpoint s_connect = new ConnectEndpoint();

    public static readonly ServerRouter Instance = new();

    public override IReadOnlyList<StreamEndpoint> Endpoints { get; } = [s_listen, s_connect];

    public override RouteMatchStatus Match(string route, ref RouteValues values, out StreamEndpoint? endpoint)
    {
        endpoint = null;
        var prefix = route.StartsWith(ListenPrefix, StringComparison.Ordinal) ? ListenPrefix
            : route.StartsWith(ConnectPrefix, StringComparison.Ordinal) ? ConnectPrefix
            : null;
        if (prefix is null)
        {
            return RouteMatchStatus.NotFound;
        }
        var name = route.AsSpan(prefix.Length);
        if (!ServerNames.IsValid(name))
        {
            return RouteMatchStatus.InvalidValue;
        }
        values.Add(prefix.Length, name.Length);
        endpoint = prefix == ListenPrefix ? s_listen : s_connect;
        return RouteMatchStatus.Matched;
    }

    // The host registers the hub's registry as a service of its own (AddRxStreams), so the router needs no hub type.
    private static HostedServerRegistry Registry(StreamInvocation invocation) => invocation.GetService<HostedServerRegistry>();

    private sealed class ListenEndpoint() : StreamEndpoint(ListenPrefix + "{name}", StreamInteraction.Subscription, false, ["name"], [], "RxStreams.Listen")
    {
        public override StreamHandlerResult Invoke(StreamInvocation invocation)
        {
            var connection = invocation.Context.HostConnection
                ?? throw new StreamException(StreamErrorCodes.HandlerError, "This connection cannot host stream servers.");
            return new ListenResult(Registry(invocation), invocation.GetString(0), invocation.Context.UserName, connection);
        }
    }

    private sealed class ConnectEndpoint() : StreamEndpoint(ConnectPrefix + "{name}", StreamInteraction.Duplex, false, ["name"], [], "RxStreams.Connect")
    {
        public override StreamHandlerResult Invoke(StreamInvocation invocation)
            => new ConnectResult(Registry(invocation), invocation.GetString(0), invocation.Input);
    }

    /// <summary>Owns the name while subscribed.</summary>
    private sealed class ListenResult(HostedServerRegistry registry, string name, string user, IHostingConnection connection) : StreamHandlerResult
    {
        private protected override IDisposable SubscribeCore(IStreamResultSink sink)
        {
            var cancellation = new CancellationTokenSource();
            var registration = RegisterAsync(sink, cancellation.Token);
            return Disposable.Create(() =>
            {
                cancellation.Cancel();
                _ = ReleaseAsync(registration);
            });
        }

        private async Task<IAsyncDisposable?> RegisterAsync(IStreamResultSink sink, CancellationToken cancellationToken)
        {
            IAsyncDisposable? server;
            try
            {
                server = await registry.RegisterAsync(name, user, connection, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception e)
            {
                sink.OnError(e);
                return null;
            }
            if (server is null)
            {
                sink.OnError(new StreamException(StreamErrorCodes.NameTaken, $"A stream server named '{name}' already exists."));
                return null;
            }
            sink.OnNext(Encoding.UTF8.GetBytes($$"""{"name":{{System.Text.Json.JsonSerializer.Serialize(name, ServersJson.Default.String)}}}"""), null);
            return server;
        }

        private static async Task ReleaseAsync(Task<IAsyncDisposable?> registration)
        {
            if (await registration.ConfigureAwait(false) is { } server)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The caller's end of a stream to a client-hosted server.</summary>
    private sealed class ConnectResult(HostedServerRegistry registry, string name, StreamInput input) : StreamHandlerResult
    {
        private protected override IDisposable SubscribeCore(IStreamResultSink sink)
        {
            var proxy = registry.Open(name, new Sink(sink), input.Budget);
            var forwarding = input.AsPayloads().Subscribe(proxy.Next, _ => proxy.Cancel(), proxy.Complete);
            return new CompositeDisposable(forwarding, Disposable.Create(proxy.Cancel));
        }

        private sealed class Sink(IStreamResultSink sink) : IProxySink
        {
            public void OnNext(ReadOnlyMemory<byte> payload) => sink.OnNextShared(payload, null);

            public void OnCompleted() => sink.OnCompleted();

            public void OnError(string code, string message) => sink.OnError(new StreamException(code, message));
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class ServersJson : System.Text.Json.Serialization.JsonSerializerContext;
