namespace RxStreams.Client;

/// <summary>What an <see cref="RxStreamsClient"/> reports besides its state.</summary>
public enum ClientEventKind
{
    /// <summary>
    /// A stream resumed from an offset the server's history no longer holds: items were lost. The stream was reopened
    /// from the start of what the server still holds (unless its <see cref="StreamOpenOptions.FailIfNotRecovered"/> is set).
    /// </summary>
    NotRecovered,

    /// <summary>An observer of a stream threw; it was detached from the stream.</summary>
    ObserverFailed,

    /// <summary>
    /// A stream server this client hosted stopped being served (after a reconnection the name had been taken by
    /// another client, for example). The route is the server's name.
    /// </summary>
    ListenerLost,
}

/// <summary>Something an <see cref="RxStreamsClient"/> reports on <see cref="RxStreamsClient.Events"/>.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Route">The stream's route.</param>
/// <param name="Message">A description.</param>
/// <param name="Offset">For <see cref="ClientEventKind.NotRecovered"/>: the first offset the server still holds, if any.</param>
public sealed record ClientEvent(ClientEventKind Kind, string Route, string Message, StreamOffset? Offset = null);
