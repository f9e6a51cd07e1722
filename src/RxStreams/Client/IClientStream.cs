namespace RxStreams.Client;

/// <summary>
/// A stream opened by <see cref="RxStreamsClient.Open{TIn, TOut}"/>: an observable of what the server sends and an
/// observer of what the application sends. The stream opens on the wire with the first subscription, is shared by
/// every subscription, and is cancelled when the last one is disposed. It survives reconnections: the client reopens
/// it and, for resumable streams, resumes after the last item it delivered, so subscribers see no gap and no duplicate.
/// </summary>
/// <typeparam name="TIn">What the application sends.</typeparam>
/// <typeparam name="TOut">What the server sends.</typeparam>
public interface IClientStream<in TIn, out TOut> : IObserver<TIn>, IObservable<TOut>
{
    /// <summary>The route.</summary>
    string Route { get; }

    /// <summary>The offset of the last item delivered, for resumable streams (keep it to resume in a later run).</summary>
    StreamOffset? LastOffset { get; }
}
