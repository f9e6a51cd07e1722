using Microsoft.Extensions.Logging;
using RxStreams.Serialization;

namespace RxStreams.AspNetCore.Connections;

/// <summary>What a client is told when an exception ends one of its streams: the wire error's code, message and offset.</summary>
/// <remarks>
/// A <see cref="StreamException"/> says its own code (its message is meant for clients); a cancellation the stream asked
/// for is <c>cancelled</c>, a <see cref="TimeoutException"/> <c>timeout</c>. Anything else is a handler bug: logged in
/// full here, and sent as <c>handler_error</c> with a generic message unless
/// <see cref="RxStreamsOptions.EnableDetailedErrors"/> is on (exception messages can carry what clients must not see).
/// </remarks>
internal static class StreamErrorMapper
{
    public static (string Code, string Message, StreamOffset? Offset) Describe(Exception error, ServedStream stream, RxStreamsOptions options, ILogger logger, string connectionId)
    {
        switch (error)
        {
            case StreamException se:
                if (se is StreamSerializationException)
                {
                    RxStreamsHostLog.InvalidPayload(logger, connectionId, stream.Route, se.Message);
                }
                return (se.Code, se.Message, se.Offset);
            case OperationCanceledException when stream.Aborted.IsCancellationRequested:
                return (StreamErrorCodes.Cancelled, "The stream was cancelled.", null);
            case TimeoutException:
                return (StreamErrorCodes.Timeout, options.EnableDetailedErrors ? error.Message : "The handler timed out.", null);
            default:
                RxStreamsHostLog.HandlerFailed(logger, stream.Route, stream.Endpoint.DisplayName, error);
                return (StreamErrorCodes.HandlerError, options.EnableDetailedErrors
                    ? $"{error.GetType().Name}: {error.Message}"
                    : "The handler failed. (Enable RxStreamsOptions.EnableDetailedErrors to see why.)", null);
        }
    }
}
