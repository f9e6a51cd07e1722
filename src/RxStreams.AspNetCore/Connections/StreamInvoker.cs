using System.Buffers;
using Microsoft.Extensions.DependencyInjection;
using RxStreams.Protocol;
using RxStreams.Routing;

namespace RxStreams.AspNetCore.Connections;

/// <summary>
/// Starts a stream the client opened, once the connection accepted its OPEN (id, limits, route): authorizes it (at once,
/// or after a policy that goes async, holding the request's bytes meanwhile), then creates its DI scope and
/// <see cref="StreamContext"/>, invokes the generated endpoint and subscribes the stream to what the handler returned.
/// Anything that goes wrong ends that stream only.
/// </summary>
internal static class StreamInvoker
{
    private static readonly IReadOnlyDictionary<string, string> s_noRouteValues = new Dictionary<string, string>();

    public static void AuthorizeAndStart(StreamConnection connection, ServedStream stream, in Frame frame, RouteValues values)
    {
        var pendingAuthorization = connection.Handler.Authorizer.AuthorizeAsync(connection.User, stream.Endpoint, connection.Http);
        if (pendingAuthorization.IsCompletedSuccessfully)
        {
            Start(connection, stream, frame.Offset, values, pendingAuthorization.Result, frame.HasPayload ? frame.Payload : null);
            return;
        }
        // Policies that go async (a database, a remote check): the stream waits, its input is buffered meanwhile.
        // The payload is copied (the receive buffer is reused for the next message) and counts as held until then.
        var held = frame.HasPayload ? frame.Payload.Length : 0;
        if (held > 0 && !connection.TryHold(held, connection.MaxPendingBytes))
        {
            stream.Fail(StreamErrorCodes.RateLimited, "Too many requests of this connection are waiting for authorization.");
            return;
        }
        var request = frame.HasPayload ? new ReadOnlySequence<byte>(frame.Payload.ToArray()) : (ReadOnlySequence<byte>?)null;
        _ = StartAfterAuthorizationAsync(connection, stream, frame.Offset, values, pendingAuthorization, request, held);
    }

    private static async Task StartAfterAuthorizationAsync(StreamConnection connection, ServedStream stream, StreamOffset? resumeOffset, RouteValues values, ValueTask<AuthorizationOutcome> authorization, ReadOnlySequence<byte>? request, long held)
    {
        AuthorizationOutcome outcome;
        try
        {
            outcome = await authorization.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            RxStreamsHostLog.AuthorizationFailed(connection.Logger, stream.Route, e);
            stream.Fail(StreamErrorCodes.Forbidden, "Authorization could not be evaluated.");
            return;
        }
        finally
        {
            connection.AddHeldBytes(-held);
        }
        Start(connection, stream, resumeOffset, values, outcome, request);
    }

    private static void Start(StreamConnection connection, ServedStream stream, StreamOffset? resumeOffset, RouteValues values, AuthorizationOutcome authorization, ReadOnlySequence<byte>? request)
    {
        if (authorization != AuthorizationOutcome.Allowed)
        {
            var (code, message) = authorization == AuthorizationOutcome.Unauthenticated
                ? (StreamErrorCodes.Unauthorized, $"The route '{stream.Route}' needs an authenticated user.")
                : (StreamErrorCodes.Forbidden, $"The user may not open '{stream.Route}'.");
            RxStreamsHostLog.Refused(connection.Logger, connection.ConnectionId, code, message);
            stream.Fail(code, message);
            return;
        }
        var endpoint = stream.Endpoint;
        try
        {
            if (request is not null && endpoint.Interaction == StreamInteraction.Subscription)
            {
                stream.Fail(StreamErrorCodes.InvalidPayload, $"The route '{stream.Route}' is a subscription: open it without a request payload.");
                return;
            }
            var scope = connection.Handler.ScopeFactory.CreateAsyncScope();
            stream.Resources = scope;
            var context = new StreamContext
            {
                User = connection.User,
                ConnectionId = connection.ConnectionId,
                SessionId = connection.SessionId,
                StreamId = stream.Id,
                Route = stream.Route,
                RouteValues = RouteValueDictionary(endpoint, stream.Route, values),
                ResumeOffset = resumeOffset,
                Services = scope.ServiceProvider,
                Aborted = stream.Aborted,
                Clock = connection.Handler.Clock,
                ConnectionItems = connection.Items,
                HostConnection = connection,
            };
            var isRequest = endpoint.Interaction is StreamInteraction.RequestResponse or StreamInteraction.FireAndForget;
            var invocation = new StreamInvocation(context, values, isRequest ? request : null, endpoint.Interaction == StreamInteraction.Duplex ? stream.Input : null);
            if (!isRequest && request is { } first)
            {
                stream.Input.OnPayload(first); // a duplex OPEN's payload is its first input item
            }
            var result = endpoint.Invoke(invocation);
            stream.Start(result);
        }
        catch (Exception e)
        {
            stream.Fail(e);
        }
    }

    private static IReadOnlyDictionary<string, string> RouteValueDictionary(StreamEndpoint endpoint, string route, RouteValues values)
    {
        if (values.Count == 0)
        {
            return s_noRouteValues;
        }
        var dictionary = new Dictionary<string, string>(values.Count, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < values.Count && i < endpoint.ParameterNames.Count; i++)
        {
            dictionary[endpoint.ParameterNames[i]] = values.GetString(route, i);
        }
        return dictionary;
    }
}
