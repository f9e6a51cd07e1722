namespace RxStreams.Routing;

/// <summary>The shape of a handler method, which decides how its stream behaves on the wire.</summary>
public enum StreamInteraction
{
    /// <summary><c>IObservable&lt;TOut&gt; M(IObservable&lt;TIn&gt; input, …)</c>: both sides send items.</summary>
    Duplex,

    /// <summary><c>IObservable&lt;TOut&gt; M(…)</c>: the server sends items; the client only reads.</summary>
    Subscription,

    /// <summary><c>Task&lt;TOut&gt;</c>/<c>ValueTask&lt;TOut&gt; M(TIn request, …)</c>: one request, one response.</summary>
    RequestResponse,

    /// <summary><c>Task</c>/<c>ValueTask</c>/<c>void M(TIn message, …)</c>: one message, acknowledged by completion.</summary>
    FireAndForget,
}
