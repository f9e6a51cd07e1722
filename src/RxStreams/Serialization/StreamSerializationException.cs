namespace RxStreams.Serialization;

/// <summary>A payload is not valid JSON for its message type. On a connection it ends only the stream concerned.</summary>
public sealed class StreamSerializationException : StreamException
{
    /// <summary>Creates the exception.</summary>
    public StreamSerializationException(string message, Exception? innerException = null)
        : base(StreamErrorCodes.InvalidPayload, message, innerException)
    {
    }
}
