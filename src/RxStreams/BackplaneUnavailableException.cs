namespace RxStreams;

/// <summary>
/// The backplane could not be reached (for Redis: the connection is down or a command timed out). Publishing
/// fails with it rather than waiting without bound; subscriptions keep going and resume by themselves once the
/// backplane is back. Its code is <see cref="StreamErrorCodes.BackplaneUnavailable"/>.
/// </summary>
public sealed class BackplaneUnavailableException : StreamException
{
    /// <summary>Creates the exception.</summary>
    public BackplaneUnavailableException(string message, Exception? innerException = null)
        : base(StreamErrorCodes.BackplaneUnavailable, message, innerException)
    {
    }
}
