using System.Buffers;
using RxStreams.Protocol;
using RxStreams.Serialization;

namespace RxStreams.Client;

/// <summary>
/// One request: request/response (a response, then COMPLETE) or fire-and-forget (COMPLETE only). Never resent after a
/// reconnection once it went out: whether the server handled it is then unknown, and the caller gets <c>connection_lost</c>.
/// </summary>
internal sealed class RequestStream<TResponse> : ClientStreamBase, IAnswered
{
    private readonly TaskCompletionSource<TResponse> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ReadOnlyMemory<byte> _request;
    private readonly IStreamSerializer<TResponse>? _responseSerializer;
    private bool _hasResponse;
    private bool _sent;

    public RequestStream(RxStreamsClient client, string route, ReadOnlyMemory<byte> request, IStreamSerializer<TResponse>? responseSerializer)
        : base(client, route, new StreamOpenOptions { Credits = 1 })
    {
        _request = request;
        _responseSerializer = responseSerializer;
    }

    public Task<TResponse> Result => _result.Task;

    protected override ReadOnlyMemory<byte>? OpenPayload => _request;

    protected override void OnAttachedLocked(ClientConnection connection)
    {
        // A request is one input item and the end of the input: on a duplex route (a client-hosted server's
        // $connect/…) the handler's input completes; other routes ignore it.
        connection.Sender.Enqueue(WireId, static (output, id) => FrameWriter.WriteComplete(output, id));
        _sent = true;
    }

    protected override void OnDisconnected()
    {
        if (_sent)
        {
            Client.DetachStream(this);
            _result.TrySetException(new StreamException(StreamErrorCodes.ConnectionLost,
                $"The connection dropped while '{Route}' was in flight; it may or may not have been handled."));
        }
    }

    public override void OnNextFrame(StreamOffset? offset, in ReadOnlySequence<byte> payload)
    {
        if (_responseSerializer is null)
        {
            return;
        }
        try
        {
            var response = payload.IsSingleSegment
                ? StreamSerializer.Deserialize(_responseSerializer, payload.FirstSpan)
                : StreamSerializer.Deserialize(_responseSerializer, payload);
            _hasResponse = true;
            // The first answer is the response. A request/response route completes in the same message; a duplex
            // route (a client-hosted server) may go on answering: the client cancels it once the message is read.
            _result.TrySetResult(response);
            Client.CancelAfterMessage(this);
        }
        catch (StreamSerializationException e)
        {
            _result.TrySetException(e);
        }
    }

    public override void OnCompleteFrame()
    {
        EndedOnWire();
        Client.DetachStream(this);
        if (_responseSerializer is not null && !_hasResponse)
        {
            _result.TrySetException(new StreamException(StreamErrorCodes.InvalidPayload, $"'{Route}' completed without a response: it is not a request/response route."));
        }
        else
        {
            _result.TrySetResult(default!); // fire-and-forget; a response already set the result
        }
    }

    public override void OnErrorFrame(string code, string message, StreamOffset? offset)
    {
        EndedOnWire();
        Client.DetachStream(this);
        _result.TrySetException(new StreamException(code, message) { Offset = offset });
    }

    /// <summary>After the message that brought the response: a stream still open (no COMPLETE yet) is cancelled.</summary>
    public void CancelIfOpen()
    {
        if (Connection is not null)
        {
            Client.DetachStream(this);
            CancelOnWire();
        }
    }

    /// <summary>Timeout, cancellation, or the client gave up: CANCEL on the wire, and the caller gets the exception.</summary>
    public override void Abort(Exception error)
    {
        Client.DetachStream(this);
        CancelOnWire();
        _result.TrySetException(error);
    }
}
