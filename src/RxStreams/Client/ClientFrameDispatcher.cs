using RxStreams.Protocol;
using RxStreams.Serialization;

namespace RxStreams.Client;

/// <summary>
/// What the .NET client does with each frame the server sends: items, ends and errors to the stream they belong to,
/// the connection's closing ERROR remembered, PING answered, and the streams the server opens to a server this client
/// hosts (even ids) handed to it. A frame that breaks the protocol throws <see cref="ProtocolException"/>, which drops
/// the connection (the client then reconnects).
/// </summary>
internal static class ClientFrameDispatcher
{
    /// <summary>Handles one frame the server sent on <paramref name="connection"/>.</summary>
    public static void Dispatch(RxStreamsClient client, ClientConnection connection, in Frame frame)
    {
        switch (frame.Type)
        {
            case FrameType.Open when frame.StreamId % 2 == 0:
                Accept(client, connection, frame);
                break;
            case FrameType.Next or FrameType.Complete or FrameType.Cancel or FrameType.Request when frame.StreamId % 2 == 0:
                OnCallFrame(connection, frame);
                break;
            case FrameType.Next:
                if (connection.Find(frame.StreamId) is { } stream)
                {
                    try
                    {
                        stream.OnNextFrame(frame.Offset, frame.Payload);
                    }
                    catch (StreamSerializationException e)
                    {
                        // What the server sent is not a TOut: end this stream, tell the server, keep the rest.
                        connection.Sender.Enqueue(frame.StreamId, static (output, id) => FrameWriter.WriteCancel(output, id));
                        stream.OnErrorFrame(StreamErrorCodes.InvalidPayload, e.Message, null);
                    }
                }
                break;
            case FrameType.Complete:
                connection.Find(frame.StreamId)?.OnCompleteFrame();
                break;
            case FrameType.Error when frame.StreamId == 0:
                client.CloseReason = frame.Code;
                ClientLog.ServerClosed(client.Logger, frame.Code ?? "", frame.Message ?? "");
                if (frame.Code == StreamErrorCodes.ServerShuttingDown)
                {
                    client.Move(connection);
                }
                break;
            case FrameType.Error:
                connection.Find(frame.StreamId)?.OnErrorFrame(frame.Code ?? StreamErrorCodes.ProtocolError, frame.Message ?? "", frame.Offset);
                break;
            case FrameType.Ping:
                connection.Sender.Enqueue(0, static (output, _) => FrameWriter.WritePong(output));
                break;
            case FrameType.Open:
                throw new ProtocolException(StreamErrorCodes.ProtocolError, $"The server opened stream {frame.StreamId}, an odd (client) id.");
            default:
                break; // PONG, and REQUEST/CANCEL (no flow control from server to client input)
        }
    }

    /// <summary>The server opened a stream to this client: a caller of a server it hosts.</summary>
    private static void Accept(RxStreamsClient client, ClientConnection connection, in Frame frame)
    {
        var id = frame.StreamId;
        if (frame.Route is not { } name || !client.TryGetServer(name, out var server))
        {
            connection.Sender.Enqueue((id, name: frame.Route ?? ""), static (output, s) =>
                FrameWriter.WriteError(output, s.id, StreamErrorCodes.NoSuchServer, $"This client does not serve '{s.name}'."));
            return;
        }
        var call = server.Accept(connection, id);
        if (!connection.TryAddCall(id, call))
        {
            throw new ProtocolException(StreamErrorCodes.ProtocolError, $"The server reused stream id {id}.");
        }
        if (frame.HasPayload)
        {
            call.OnInput(frame.Payload);
        }
    }

    private static void OnCallFrame(ClientConnection connection, in Frame frame)
    {
        var call = connection.FindCall(frame.StreamId, out var late);
        if (call is null)
        {
            if (!late)
            {
                throw new ProtocolException(StreamErrorCodes.ProtocolError, $"Stream {frame.StreamId} was never opened.");
            }
            return;
        }
        switch (frame.Type)
        {
            case FrameType.Next:
                call.OnInput(frame.Payload);
                break;
            case FrameType.Complete:
                call.Input.OnCompleted();
                break;
            case FrameType.Cancel:
                call.Cancel();
                break;
        }
    }
}
