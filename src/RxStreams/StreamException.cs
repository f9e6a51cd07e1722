namespace RxStreams;

/// <summary>
/// An error that ends one stream and travels to its client as an ERROR frame with <see cref="Code"/> and
/// the exception's message. Handlers throw it (or return an observable that fails with it) to refuse or end
/// a stream with a code of their own; clients surface the ERROR frames they receive as this exception.
/// </summary>
public class StreamException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="code">A code from <see cref="StreamErrorCodes"/> or the application's own (lower-case snake_case).</param>
    /// <param name="message">A message for the client. Do not put secrets in it.</param>
    public StreamException(string code, string message)
        : base(message)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        Code = code;
    }

    /// <summary>Creates the exception with an inner exception (which never reaches the client).</summary>
    public StreamException(string code, string message, Exception? innerException)
        : base(message, innerException)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        Code = code;
    }

    /// <summary>The error code.</summary>
    public string Code { get; }

    /// <summary>For <see cref="StreamErrorCodes.NotRecovered"/>: the first offset the channel still holds, if any.</summary>
    public StreamOffset? Offset { get; init; }
}
