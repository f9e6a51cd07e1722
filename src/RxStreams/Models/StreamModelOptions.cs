namespace RxStreams.Models;

/// <summary>Options of a model (<see cref="IStreamHub.Model{TState}"/>); the first call for a name and type sets them.</summary>
/// <typeparam name="TState">The state type.</typeparam>
public sealed class StreamModelOptions<TState>
{
    /// <summary>
    /// The state before the first change (version 0). Every node must use the same. Null (the default) reads it from
    /// the JSON <c>{}</c>: every member missing, so each gets its default.
    /// </summary>
    public TState? Initial { get; set; }

    /// <summary>
    /// How many changes the model's history keeps (at least 1; default 256). A client that comes back from further
    /// behind gets a fresh snapshot instead of the changes.
    /// </summary>
    public int HistoryLength { get; set; } = 256;

    /// <summary>
    /// How many times an update is tried when other writers change the model between its read and its write
    /// (at least 1; default 100). Each try reads the state the failed one met, so this is only reached under a storm
    /// of writers on one model; then the update fails with <see cref="StreamErrorCodes.ModelConflict"/>.
    /// </summary>
    public int MaxUpdateAttempts { get; set; } = 100;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(HistoryLength, 1, nameof(HistoryLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxUpdateAttempts, 1, nameof(MaxUpdateAttempts));
    }
}
