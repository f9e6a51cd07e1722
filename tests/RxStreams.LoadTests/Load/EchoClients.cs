using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using RxStreams.Client;

namespace RxStreams.LoadTests.Load;

/// <summary>One connection of the echo workload: a round trip is one message out and its echo back.</summary>
internal interface IEchoClient : IAsyncDisposable
{
    Task RoundTripAsync(long seq, long t);
}

internal static class EchoClients
{
    public static async Task<IEchoClient> ConnectAsync(string kind, Uri endpoint) => kind switch
    {
        "rx" => await RxEchoClient.ConnectAsync(endpoint),
        "signalr" => await SignalREchoClient.ConnectAsync(endpoint),
        "raw" => await RawEchoClient.ConnectAsync(endpoint),
        _ => throw new ArgumentException(kind),
    };
}

/// <summary>The RxStreams .NET client: one duplex stream on "echo", each item written comes back on it.</summary>
internal sealed class RxEchoClient : IEchoClient
{
    private RxStreamsClient _client = null!;
    private IClientStream<LoadMessage, LoadMessage> _stream = null!;
    private IDisposable _subscription = null!;
    private TaskCompletionSource? _pending;

    public static async Task<RxEchoClient> ConnectAsync(Uri endpoint)
    {
        var echo = new RxEchoClient { _client = await RxStreamsClient.ConnectAsync(endpoint) };
        echo._stream = echo._client.Open<LoadMessage, LoadMessage>("echo");
        echo._subscription = echo._stream.Subscribe(_ => Volatile.Read(ref echo._pending)?.TrySetResult());
        return echo;
    }

    public Task RoundTripAsync(long seq, long t)
    {
        var pending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _pending, pending);
        _stream.OnNext(new LoadMessage(seq, t, Payload.Text));
        return pending.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        await _client.DisposeAsync();
    }
}

/// <summary>SignalR's client (Client.Core over a ClientWebSocket): <c>InvokeAsync("Echo", message)</c>.</summary>
internal sealed class SignalREchoClient : IEchoClient
{
    private HubConnection _connection = null!;

    public static async Task<SignalREchoClient> ConnectAsync(Uri endpoint)
    {
        var builder = new HubConnectionBuilder();
        builder.Services.AddSingleton<IConnectionFactory>(new WebSocketConnectionFactory(endpoint));
        builder.Services.AddSingleton<EndPoint>(new UriEndPoint(endpoint));
        builder.AddJsonProtocol(o => o.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, LoadJsonContext.Default));
        var connection = builder.Build();
        await connection.StartAsync();
        return new SignalREchoClient { _connection = connection };
    }

    public Task RoundTripAsync(long seq, long t) => _connection.InvokeAsync<LoadMessage>("Echo", new LoadMessage(seq, t, Payload.Text));

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}

/// <summary>The ceiling's protocol: an echo message out, the same bytes back.</summary>
internal sealed class RawEchoClient : IEchoClient, IMessageSink
{
    private readonly RawLeanClient _client = new();
    private TaskCompletionSource? _pending;

    public static async Task<RawEchoClient> ConnectAsync(Uri endpoint)
    {
        var echo = new RawEchoClient();
        await echo._client.ConnectAsync(endpoint, CancellationToken.None);
        echo._client.StartReceiving(echo);
        return echo;
    }

    public void OnMessage(long seq, long t) => Volatile.Read(ref _pending)?.TrySetResult();

    public async Task RoundTripAsync(long seq, long t)
    {
        var pending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _pending, pending);
        await _client.EchoAsync(seq, t);
        await pending.Task;
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
