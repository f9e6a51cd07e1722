using RxStreams.Models;

namespace RxStreams.Client;

/// <summary>
/// A model watched through a model stream (<see cref="RxStreamsClient.Model{TState}"/>): an observable of whole states,
/// each with its version. The server sends the snapshot, then only changes (JSON merge patches); the client applies
/// them, so subscribers always see whole states. The stream opens with the first subscription, is shared by every
/// subscription (a late subscriber gets the current state at once), and survives reconnections: the client comes back
/// with the last version it has and gets the changes since, or a fresh snapshot.
/// </summary>
/// <typeparam name="TState">The state type.</typeparam>
public interface IClientModel<TState> : IObservable<ModelSnapshot<TState>>
{
    /// <summary>The route.</summary>
    string Route { get; }

    /// <summary>The last state received and its version, or null before the first.</summary>
    ModelSnapshot<TState>? Current { get; }
}

/// <summary>
/// A model the client can also change: <see cref="EditAsync"/> sends an edit to the model handler, which validates and
/// applies it (clients never write the state directly).
/// </summary>
/// <typeparam name="TState">The state type.</typeparam>
/// <typeparam name="TEdit">The edit type the handler takes (<c>IObservable&lt;ModelEdit&lt;TEdit&gt;&gt;</c>).</typeparam>
public interface IClientModel<TState, in TEdit> : IClientModel<TState>
{
    /// <summary>
    /// Sends an edit and waits for the handler's answer. The model stream is kept open while the edit is pending.
    /// </summary>
    /// <returns>The version the edit made (the new state arrives through the observable, as everyone's changes do).</returns>
    /// <exception cref="StreamException">
    /// The handler refused the edit (<see cref="StreamErrorCodes.EditRefused"/>, with the handler's reason as the message),
    /// or could not apply it (another code), or the stream ended first.
    /// </exception>
    /// <exception cref="TimeoutException">No answer within <paramref name="timeout"/> (default <see cref="RxStreamsClientOptions.InvokeTimeout"/>).</exception>
    Task<long> EditAsync(TEdit edit, CancellationToken cancellationToken = default, TimeSpan? timeout = null);
}
