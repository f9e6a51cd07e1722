namespace RxStreams.Models;

/// <summary>
/// What a model handler returns (<see cref="IStreamModel{TState}.Stream"/>, <see cref="IStreamModel{TState}.Serve{TEdit}"/>):
/// the stream a client of the route receives — the model's snapshot, then only its changes as JSON merge patches, each
/// with its version, and the answers to the client's own edits. The source generator recognizes the shape:
/// <c>ModelStream&lt;TState&gt; M(…)</c> or <c>ModelStream&lt;TState&gt; M(IObservable&lt;ModelEdit&lt;TEdit&gt;&gt; edits, …)</c>.
/// </summary>
/// <typeparam name="TState">The model's state type.</typeparam>
public sealed class ModelStream<TState>
{
    internal ModelStream(IObservable<ModelStreamItem> items) => Items = items;

    /// <summary>The items as they go on the wire.</summary>
    internal IObservable<ModelStreamItem> Items { get; }
}
