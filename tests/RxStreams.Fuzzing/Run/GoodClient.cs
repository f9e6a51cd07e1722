using System.Net.WebSockets;
using RxStreams.Fuzzing.Client;
using RxStreams.Fuzzing.Wire;
using RxStreams.Protocol;

namespace RxStreams.Fuzzing.Run;

/// <summary>
/// A well-behaved client on its own connection to the main host, chatting on a duplex echo stream for the whole run:
/// every item it sends must come back, in order, nothing lost, no error, whatever the fuzz connections do.
/// </summary>
public sealed class GoodClient : IAsyncDisposable
{
    private readonly FuzzSocket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _problems = [];
    private Task _sender = Task.CompletedTask;
    private Task _receiver = Task.CompletedTask;
    private long _sent;
    private long _received;
    private int _disposed;

    private GoodClient(FuzzSocket socket) => _socket = socket;

    public long Sent => Interlocked.Read(ref _sent);

    public long Received => Interlocked.Read(ref _received);

    public IReadOnlyList<string> Problems => _problems;

    public static async Task<GoodClient> StartAsync(Uri endpoint, int maxFrameSize)
    {
        var socket = await FuzzSocket.ConnectAsync(endpoint, maxFrameSize).ConfigureAwait(false);
        await socket.SendAsync(new FuzzMessage(MessageKind.Binary, [Parts.Hello(1, "")]).Render(0)).ConfigureAwait(false);
        var welcome = await socket.ReceiveAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        if (welcome is not { Type: FrameType.Welcome })
        {
            await socket.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"The good client got no WELCOME: {welcome}");
        }
        await socket.SendAsync(new FuzzMessage(MessageKind.Binary, [Parts.Open(1, "fuzz/echo/0", ProtocolConstants.UnboundedCredits)]).Render(0)).ConfigureAwait(false);
        var client = new GoodClient(socket);
        client._receiver = Task.Run(client.ReceiveAsync);
        client._sender = Task.Run(client.SendAsync);
        return client;
    }

    private async Task SendAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var n = Interlocked.Read(ref _sent);
                await _socket.SendAsync(new FuzzMessage(MessageKind.Binary, [Parts.Next(1, $$"""{"text":"good{{n}}"}""")]).Render(0)).ConfigureAwait(false);
                Interlocked.Increment(ref _sent);
                await Task.Delay(2).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            Problem($"the good client could not send: {e.Message}");
        }
    }

    private async Task ReceiveAsync()
    {
        while (true)
        {
            var incoming = await _socket.ReceiveAsync(TimeSpan.FromDays(1)).ConfigureAwait(false);
            if (incoming is null)
            {
                return;
            }
            if (incoming is { Kind: IncomingKind.Frame, Type: FrameType.Ping or FrameType.Pong })
            {
                continue;
            }
            var n = Interlocked.Read(ref _received);
            var expected = $$"""{"text":"good{{n}}","n":0}""";
            if (incoming is not { Kind: IncomingKind.Frame, Type: FrameType.Next, StreamId: 1 } || incoming.Payload != expected)
            {
                if (!_stop.IsCancellationRequested || incoming.Kind == IncomingKind.Frame)
                {
                    Problem($"the good client expected {expected}, got {incoming}");
                }
                return;
            }
            Interlocked.Increment(ref _received);
        }
    }

    private void Problem(string problem)
    {
        lock (_problems)
        {
            _problems.Add(problem);
        }
    }

    /// <summary>Stops chatting and waits until every item sent came back (or the timeout: then a problem).</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _sender.ConfigureAwait(false);
        var deadline = DateTime.UtcNow + timeout;
        while (Received < Sent && DateTime.UtcNow < deadline && !_receiver.IsCompleted)
        {
            await Task.Delay(10).ConfigureAwait(false);
        }
        if (Received != Sent)
        {
            Problem($"the good client sent {Sent} items and got {Received} back");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        await _socket.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _receiver.ConfigureAwait(false);
        }
        catch (Exception)
        {
        }
        _stop.Dispose();
    }
}
