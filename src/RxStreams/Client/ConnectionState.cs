namespace RxStreams.Client;

/// <summary>The state of an <see cref="RxStreamsClient"/>'s connection.</summary>
public enum ConnectionState
{
    /// <summary>Connecting for the first time.</summary>
    Connecting,

    /// <summary>Connected: streams flow.</summary>
    Connected,

    /// <summary>The connection dropped; the client is reconnecting (streams resume by themselves once it is back).</summary>
    Reconnecting,

    /// <summary>Closed for good (disposed, or its <see cref="RxStreamsClientOptions.ReconnectPolicy"/> stopped reconnecting: by default after <see cref="RxStreamsClientOptions.MaxReconnectAttempts"/>).</summary>
    Closed,
}
