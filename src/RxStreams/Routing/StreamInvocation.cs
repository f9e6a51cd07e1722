using System.Buffers;
using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;
using RxStreams.Serialization;

namespace RxStreams.Routing;

/// <summary>
/// One call of an endpoint: the stream's context, the matched route values, and the client's request or input.
/// Generated endpoints read their arguments from it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class StreamInvocation
{
    private readonly RouteValues _routeValues;
    private readonly ReadOnlySequence<byte>? _request;

    /// <summary>Creates an invocation.</summary>
    /// <param name="context">The stream's context.</param>
    /// <param name="routeValues">The values the route match captured from <see cref="StreamContext.Route"/>.</param>
    /// <param name="request">The payload of the OPEN frame, if it had one (request/response and fire-and-forget need one).</param>
    /// <param name="input">The client's items on a duplex stream.</param>
    public StreamInvocation(StreamContext context, RouteValues routeValues, ReadOnlySequence<byte>? request = null, StreamInput? input = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
        _routeValues = routeValues;
        _request = request;
        _input = input;
    }

    /// <summary>The stream's context.</summary>
    public StreamContext Context { get; }

    /// <summary>The client's items on a duplex stream (created when first asked for, if the host gave none).</summary>
    public StreamInput Input => _input ?? LazyInitializer.EnsureInitialized(ref _input, static () => new StreamInput());

    private StreamInput? _input;

    /// <summary>Route value <paramref name="index"/> as text.</summary>
    public string GetString(int index) => _routeValues.GetString(Context.Route, index);

    /// <summary>Route value <paramref name="index"/> as an <see cref="int"/>.</summary>
    public int GetInt32(int index) => _routeValues.GetInt32(Context.Route, index);

    /// <summary>Route value <paramref name="index"/> as a <see cref="long"/>.</summary>
    public long GetInt64(int index) => _routeValues.GetInt64(Context.Route, index);

    /// <summary>Route value <paramref name="index"/> as a <see cref="Guid"/>.</summary>
    public Guid GetGuid(int index) => _routeValues.GetGuid(Context.Route, index);

    /// <summary>Route value <paramref name="index"/> as a <see cref="bool"/>.</summary>
    public bool GetBoolean(int index) => _routeValues.GetBoolean(Context.Route, index);

    /// <summary>A service of the stream's scope.</summary>
    /// <exception cref="InvalidOperationException">The service is not registered; the message names it.</exception>
    public T GetService<T>()
        where T : notnull
        => Context.Services.GetService<T>() ?? throw new InvalidOperationException(
            $"The handler of '{Context.Route}' needs a service of type '{typeof(T)}', which is not registered. Add it to the service collection.");

    /// <summary>The request of a request/response or fire-and-forget stream.</summary>
    /// <exception cref="StreamException">There is no request payload (<c>invalid_payload</c>), or it is not a <typeparamref name="T"/>.</exception>
    public T GetRequest<T>(IStreamSerializer<T> serializer)
    {
        if (_request is not { } request)
        {
            throw new StreamException(StreamErrorCodes.InvalidPayload, $"The route '{Context.Route}' takes a request: send it with the OPEN frame (invoke or send, not open or subscribe).");
        }
        return request.IsSingleSegment
            ? StreamSerializer.Deserialize(serializer, request.FirstSpan)
            : StreamSerializer.Deserialize(serializer, request);
    }

    /// <summary>
    /// The client's writes on a model stream (<c>{"w":id,"edit":…}</c>), as edits of <typeparamref name="TEdit"/>. A write
    /// that is not of that shape fails the input (the stream ends with <c>invalid_payload</c>), as any malformed input does.
    /// </summary>
    public IObservable<Models.ModelEdit<TEdit>> GetModelEdits<TEdit>(IStreamSerializer<TEdit> serializer)
        => Input.As(new Models.ModelEditSerializer<TEdit>(serializer));

    /// <summary>The client's items on a duplex stream, as <typeparamref name="T"/>.</summary>
    public IObservable<T> GetInput<T>(IStreamSerializer<T> serializer) => Input.As(serializer);
}
