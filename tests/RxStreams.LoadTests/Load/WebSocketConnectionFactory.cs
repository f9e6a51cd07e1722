using System.IO.Pipelines;
using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace RxStreams.LoadTests.Load;

/// <summary>
/// SignalR's client over a plain <see cref="ClientWebSocket"/> with no negotiate step: the full SignalR client
/// (Microsoft.AspNetCore.Http.Connections.Client) does not restore here, the .Core one does and takes any
/// <see cref="IConnectionFactory"/>. A <c>MapHub</c> endpoint accepts a WebSocket at the hub path directly.
/// </summary>
internal sealed class WebSocketConnectionFactory(Uri endpoint) : IConnectionFactory
{
    public async ValueTask<ConnectionContext> ConnectAsync(EndPoint _, CancellationToken cancellationToken = default)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await socket.ConnectAsync(endpoint, cancellationToken);
        var connection = new WebSocketConnection(socket);
        connection.Start();
        return connection;
    }

    /// <summary>Bytes from the socket go to the application's input pipe; the application's output goes out as text messages (the JSON protocol).</summary>
    private sealed class WebSocketConnection : ConnectionContext
    {
        private readonly ClientWebSocket _socket;
        private readonly Pipe _input = new(new PipeOptions(useSynchronizationContext: false));
        private readonly Pipe _output = new(new PipeOptions(useSynchronizationContext: false));
        private Task _receiving = Task.CompletedTask;
        private Task _sending = Task.CompletedTask;

        public WebSocketConnection(ClientWebSocket socket)
        {
            _socket = socket;
            Transport = new DuplexPipe(_input.Reader, _output.Writer);
        }

        public override string ConnectionId { get; set; } = Guid.NewGuid().ToString("N");

        public override IFeatureCollection Features { get; } = new FeatureCollection();

        public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

        public override IDuplexPipe Transport { get; set; }

        public void Start()
        {
            _receiving = ReceiveAsync();
            _sending = SendAsync();
        }

        private async Task ReceiveAsync()
        {
            try
            {
                while (true)
                {
                    var memory = _input.Writer.GetMemory(4096);
                    var result = await _socket.ReceiveAsync(memory, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }
                    _input.Writer.Advance(result.Count);
                    var flush = await _input.Writer.FlushAsync();
                    if (flush.IsCompleted)
                    {
                        break;
                    }
                }
                await _input.Writer.CompleteAsync();
            }
            catch (Exception e)
            {
                await _input.Writer.CompleteAsync(e is WebSocketException ? new ConnectionResetException(e.Message, e) : e);
            }
        }

        private async Task SendAsync()
        {
            try
            {
                while (true)
                {
                    var result = await _output.Reader.ReadAsync();
                    var buffer = result.Buffer;
                    if (buffer.IsSingleSegment)
                    {
                        await _socket.SendAsync(buffer.First, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                    }
                    else if (!buffer.IsEmpty)
                    {
                        await _socket.SendAsync(System.Buffers.BuffersExtensions.ToArray(buffer), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                    }
                    _output.Reader.AdvanceTo(buffer.End);
                    if (result.IsCompleted || result.IsCanceled)
                    {
                        break;
                    }
                }
                await _output.Reader.CompleteAsync();
            }
            catch (Exception e)
            {
                await _output.Reader.CompleteAsync(e);
            }
        }

        public override async ValueTask DisposeAsync()
        {
            await _output.Writer.CompleteAsync();
            await _input.Reader.CompleteAsync();
            try
            {
                if (_socket.State == WebSocketState.Open)
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
            _socket.Abort();
            await Task.WhenAll(_receiving, _sending).WaitAsync(TimeSpan.FromSeconds(2)).ContinueWith(static _ => { }, TaskScheduler.Default);
            _socket.Dispose();
        }

        private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
        {
            public PipeReader Input { get; } = input;

            public PipeWriter Output { get; } = output;
        }
    }
}
