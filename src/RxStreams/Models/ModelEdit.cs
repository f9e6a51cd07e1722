namespace RxStreams.Models;

/// <summary>
/// An edit a client sent to a model stream, on its way through the handler's Rx pipeline to the model. The pipeline
/// validates and normalizes with ordinary operators: <c>Select(e =&gt; ok ? e : e.Refuse("why"))</c> refuses an edit
/// (the client that sent it gets the reason), <c>Select(e =&gt; e.With(normalized))</c> changes it. Refuse rather than
/// drop: an edit dropped by <c>Where</c> is never answered, and the client's write stays pending until the stream ends.
/// </summary>
/// <typeparam name="TEdit">The edit type the clients send.</typeparam>
public sealed class ModelEdit<TEdit>
{
    /// <summary>Creates an edit (the host creates them from the client's writes; tests may create their own).</summary>
    /// <param name="id">The id the client gave the write, echoed in the answer.</param>
    /// <param name="value">The edit.</param>
    public ModelEdit(long id, TEdit value)
    {
        Id = id;
        Value = value;
    }

    private ModelEdit(long id, TEdit value, string? refusal)
        : this(id, value) => Refusal = refusal;

    /// <summary>The id the client gave the write.</summary>
    public long Id { get; }

    /// <summary>The edit.</summary>
    public TEdit Value { get; }

    /// <summary>Why the edit is refused, or null while it is not.</summary>
    public string? Refusal { get; }

    /// <summary>This edit, refused: it reaches the model as a refusal, which goes back to the client that sent it.</summary>
    /// <param name="reason">Why, for the user.</param>
    public ModelEdit<TEdit> Refuse(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new ModelEdit<TEdit>(Id, Value, reason);
    }

    /// <summary>This edit with another value (the same write: the answer goes to the same client write).</summary>
    public ModelEdit<TEdit> With(TEdit value) => new(Id, value, Refusal);

    /// <inheritdoc />
    public override string ToString() => Refusal is null ? $"edit {Id}: {Value}" : $"edit {Id} refused: {Refusal}";
}
