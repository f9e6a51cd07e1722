using System.Buffers;
using System.Net.WebSockets;
using RxStreams.Protocol;
using RxStreams.Routing;

namespace RxStreams.AspNetCore.Connections;

/// <summary>
/// What a connection does with each frame the client sends after the handshake: the stream-id rules (client ids odd
/// and rising, never reused), the rate (OPEN and NEXT count), OPEN checked against the limits and routes before
/// <see cref="StreamInvoker"/> starts it, input, credits and cancels to the right stream, answers to a server the
/// client hosts, PING. A frame that breaks the protocol closes the connection; one that breaks a stream's rules ends
/// that stream. Static, so a connection holds no object for it.
/// </summary>
internal static class FrameDispatcher
{
    /// <summary>Handles every frame of a message, until one closes the connection.</summary>
    public static void Dispatch(StreamConnection connection, ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            connection.Close(StreamErrorCodes.ProtocolError, "An empty message carries no frame.", WebSocketCloseStatus.ProtocolError);
            return;
        }
        while (!connection.IsClosing && !buffer.IsEmpty)
        {
            if (!connection.TryReadFrame(ref buffer, out var frame))
            {
                break;
            }
            // The frames that start work (OPEN, with or without a payload) or carry data (NEXT, either direction)
            // count against the connection's rate; over it, the OPEN is refused or the stream ended with
            // rate_limited. The other frames cost the server O(1) and no memory but their answers (PONG), which
            // count against the pending limit like everything queued for the client.
            var withinRate = frame.Type is not (FrameType.Open or FrameType.Next) || connection.TakeRate();
            switch (frame.Type)
            {
                case FrameType.Open:
                    Open(connection, frame, withinRate);
                    break;
                case FrameType.Next or FrameType.Complete or FrameType.Error when frame.StreamId != 0 && frame.StreamId % 2 == 0:
                    // The client answers on a stream the server opened to it (a server it hosts).
                    AnswerHosted(connection, frame, withinRate);
                    break;
                case FrameType.Request or FrameType.Cancel when frame.StreamId % 2 == 0:
                    connection.Close(StreamErrorCodes.ProtocolError, $"Only the opener of stream {frame.StreamId} (the server) sends {frame.Type}.", WebSocketCloseStatus.ProtocolError);
                    break;
                case FrameType.Next:
                    Next(connection, frame, withinRate);
                    break;
                case FrameType.Complete:
                    if (Find(connection, frame.StreamId) is { } completed)
                    {
                        completed.Input.OnCompleted();
                    }
                    break;
                case FrameType.Cancel:
                    Find(connection, frame.StreamId)?.Cancel();
                    break;
                case FrameType.Request:
                    Find(connection, frame.StreamId)?.AddCredits(frame.Credits);
                    break;
                case FrameType.Error:
                    if (frame.StreamId == 0)
                    {
                        // The client ends the connection and says why.
                        RxStreamsHostLog.ClientError(connection.Logger, connection.ConnectionId, frame.Code ?? "", frame.Message ?? "");
                        connection.Close(StreamErrorCodes.Cancelled, "The client ended the connection.", WebSocketCloseStatus.NormalClosure);
                    }
                    else
                    {
                        connection.Close(StreamErrorCodes.ProtocolError, "Only the responder sends ERROR for a stream; the opener sends CANCEL.", WebSocketCloseStatus.ProtocolError);
                    }
                    break;
                case FrameType.Ping:
                    connection.Outbound.Enqueue(0, static (output, _) => FrameWriter.WritePong(output));
                    break;
                case FrameType.Pong:
                    connection.OnPong();
                    break;
                default:
                    connection.Close(StreamErrorCodes.ProtocolError, $"A client does not send {frame.Type} frames after the handshake.", WebSocketCloseStatus.ProtocolError);
                    break;
            }
        }
    }

    /// <summary>The open stream with this id; a frame for an id never opened is a protocol error, a late one is ignored.</summary>
    private static ServedStream? Find(StreamConnection connection, uint streamId)
    {
        lock (connection.Streams)
        {
            if (connection.Streams.TryGetValue(streamId, out var stream))
            {
                return stream;
            }
        }
        if (streamId == 0 || streamId > connection.LastStreamId || streamId % 2 == 0)
        {
            connection.Close(StreamErrorCodes.ProtocolError, $"Stream {streamId} was never opened.", WebSocketCloseStatus.ProtocolError);
        }
        return null;
    }

    private static void Next(StreamConnection connection, in Frame frame, bool withinRate)
    {
        if (Find(connection, frame.StreamId) is not { } stream)
        {
            return;
        }
        if (stream.Endpoint.Interaction != StreamInteraction.Duplex)
        {
            stream.Fail(StreamErrorCodes.InvalidPayload, $"The route '{stream.Route}' ({stream.Endpoint.Interaction}) takes no input items.");
            return;
        }
        if (!withinRate)
        {
            stream.Fail(StreamErrorCodes.RateLimited, $"More than {connection.Options.MaxMessagesPerSecond} messages per second were sent on this connection.");
            return;
        }
        try
        {
            stream.Input.OnPayload(frame.Payload);
        }
        catch (Exception e)
        {
            stream.Fail(e);
        }
    }

    private static void Open(StreamConnection connection, in Frame frame, bool withinRate)
    {
        var id = frame.StreamId;
        ServedStream? live;
        lock (connection.Streams)
        {
            live = connection.Streams.GetValueOrDefault(id);
        }
        if (live is not null)
        {
            // The client lost track of its ids: end that stream, say why; the connection stays up.
            live.Fail(StreamErrorCodes.StreamIdInUse, $"Stream {id} was already open; it has been ended.");
            return;
        }
        if (id % 2 == 0 || id <= connection.LastStreamId)
        {
            connection.Close(StreamErrorCodes.ProtocolError,
                id % 2 == 0 ? $"Client stream ids are odd; {id} is even." : $"Stream id {id} was used before on this connection; ids are never reused.",
                WebSocketCloseStatus.ProtocolError);
            return;
        }
        connection.LastStreamId = id;
        var route = frame.Route ?? "";
        if (connection.StreamCount >= connection.Options.MaxStreamsPerConnection)
        {
            Refuse(connection, id, StreamErrorCodes.TooManyStreams, $"A connection may have {connection.Options.MaxStreamsPerConnection} streams open at once.");
            return;
        }
        if (!withinRate)
        {
            Refuse(connection, id, StreamErrorCodes.RateLimited, $"More than {connection.Options.MaxMessagesPerSecond} messages per second were sent on this connection.");
            return;
        }
        if (route.Length == 0 || route.Length > connection.Options.MaxRouteLength || route.AsSpan().ContainsAnyInRange('\0', '\u001f'))
        {
            Refuse(connection, id, StreamErrorCodes.BadRouteValue, route.Length > connection.Options.MaxRouteLength
                ? $"The route is {route.Length} characters long; the limit is {connection.Options.MaxRouteLength}."
                : "The route is empty or contains control characters.");
            return;
        }
        var values = default(RouteValues);
        switch (connection.Handler.Routes.Match(route, ref values, out var endpoint))
        {
            case RouteMatchStatus.NotFound:
                Refuse(connection, id, StreamErrorCodes.RouteNotFound, $"No stream route matches '{route}'.");
                return;
            case RouteMatchStatus.InvalidValue:
                Refuse(connection, id, StreamErrorCodes.BadRouteValue, $"A value in '{route}' does not have the type its route template requires.");
                return;
        }
        var stream = new ServedStream(connection, id, route, endpoint!, frame.Credits);
        lock (connection.Streams)
        {
            connection.Streams.Add(id, stream);
        }
        StreamInvoker.AuthorizeAndStart(connection, stream, frame, values);
    }

    private static void Refuse(StreamConnection connection, uint id, string code, string message)
    {
        RxStreamsHostLog.Refused(connection.Logger, connection.ConnectionId, code, message);
        connection.EnqueueError(id, code, message, null);
    }

    private static void AnswerHosted(StreamConnection connection, in Frame frame, bool withinRate)
    {
        if (connection.Hosted is { } hosted)
        {
            hosted.Answer(frame, withinRate);
        }
        else
        {
            connection.Close(StreamErrorCodes.ProtocolError, $"Stream {frame.StreamId} was never opened by the server.", WebSocketCloseStatus.ProtocolError);
        }
    }
}
