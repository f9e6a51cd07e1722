namespace RxStreams.Models;

/// <summary>
/// Refuses a client's edit of a model: thrown by the function that applies an edit (or made with
/// <see cref="ModelEdit{TEdit}.Refuse"/>), its message goes to the client that sent the edit, with the code
/// <see cref="StreamErrorCodes.EditRefused"/>. The model and the client's stream are unaffected.
/// </summary>
public sealed class ModelEditRefusedException : StreamException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Why the edit is refused, for the user (it is sent to the client).</param>
    public ModelEditRefusedException(string message)
        : base(StreamErrorCodes.EditRefused, message)
    {
    }
}
