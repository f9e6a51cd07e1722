namespace RxStreams.Models;

/// <summary>
/// A realtime model: named, shared state that clients watch and change, on every node. The backplane holds its
/// current state and version and a bounded history of its changes (JSON merge patches, RFC 7386). Updates are
/// compare-and-set on the version, retried on conflict, so concurrent updates from any number of nodes are never
/// lost; each one is a new version. Get one with <see cref="IStreamHub.Model{TState}"/>.
/// </summary>
/// <typeparam name="TState">The state type: an immutable message type with a serializer (generated for message types).</typeparam>
public interface IStreamModel<TState>
{
    /// <summary>The model's name.</summary>
    string Name { get; }

    /// <summary>The current state and its version.</summary>
    /// <exception cref="BackplaneUnavailableException">The backplane cannot be reached.</exception>
    ValueTask<ModelSnapshot<TState>> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Changes the state: reads it, applies <paramref name="update"/>, and writes the result if no other writer
    /// changed it in between; otherwise applies <paramref name="update"/> again to the newer state, until it succeeds.
    /// <paramref name="update"/> may therefore run more than once: it must be a pure function of the state. When it
    /// returns a state equal to the current one (the same JSON), nothing is written.
    /// </summary>
    /// <returns>The state written and its version (or the current one when nothing changed).</returns>
    /// <exception cref="StreamException">
    /// <see cref="StreamErrorCodes.ModelConflict"/>: other writers won <see cref="StreamModelOptions{TState}.MaxUpdateAttempts"/>
    /// times in a row. Anything <paramref name="update"/> throws comes out unchanged, and nothing is written.
    /// </exception>
    /// <exception cref="BackplaneUnavailableException">The backplane cannot be reached.</exception>
    ValueTask<ModelSnapshot<TState>> UpdateAsync(Func<TState, TState> update, CancellationToken cancellationToken = default);

    /// <summary>
    /// The current state, then every later one, whole, in version order (for server code; clients get patches). When
    /// the subscriber falls further behind than the history holds, it gets the state as it is now and goes on from there.
    /// </summary>
    IObservable<ModelSnapshot<TState>> Watch();

    /// <summary>
    /// The stream a read-only model handler returns: the snapshot, then only the changes. A reconnecting client
    /// (<see cref="StreamContext.ResumeOffset"/>) gets the changes since its version, or a fresh snapshot when the
    /// history no longer holds them.
    /// </summary>
    /// <param name="context">The stream's context (its resume offset is used).</param>
    ModelStream<TState> Stream(StreamContext context);

    /// <summary>
    /// <see cref="Stream"/>, plus the client's edits: each edit that comes out of <paramref name="edits"/> (the
    /// handler's Rx pipeline over the client's writes) is applied with <paramref name="apply"/> as one
    /// <see cref="UpdateAsync"/>, in order, and the client is told the version it made, or why it was refused
    /// (<see cref="ModelEdit{TEdit}.Refuse"/>, or a <see cref="ModelEditRefusedException"/> thrown by <paramref name="apply"/>).
    /// Clients never write the state directly.
    /// </summary>
    /// <param name="context">The stream's context.</param>
    /// <param name="edits">The client's edits, after the handler's validation.</param>
    /// <param name="apply">The new state from the current one and an edit; pure (it may run more than once).</param>
    ModelStream<TState> Serve<TEdit>(StreamContext context, IObservable<ModelEdit<TEdit>> edits, Func<TState, TEdit, TState> apply);
}
