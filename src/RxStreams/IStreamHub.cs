namespace RxStreams;

/// <summary>
/// The one way to channels, presence and work queues. Everything it hands out is an Rx type:
/// channels are observers (publish) and observables (read); presence and queues are observables.
/// Whatever backplane the application configured (in-memory by default, Redis when scaled out) carries
/// the bytes; values are serialized once when published, whatever the number of subscribers.
/// </summary>
public interface IStreamHub
{
    /// <summary>
    /// A durable channel: every item gets an offset and is kept in a bounded history, so subscribers can read from
    /// an offset and reconnecting clients resume without loss. Calls with the same name and type share one channel.
    /// </summary>
    /// <typeparam name="T">The value type; it needs a serializer (generated for message types).</typeparam>
    /// <param name="name">The channel name, e.g. <c>"chat:lobby"</c>.</param>
    /// <param name="options">Per-channel options; null for the defaults.</param>
    IStreamChannel<T> Channel<T>(string name, StreamChannelOptions? options = null);

    /// <summary>
    /// An ephemeral channel: publish/subscribe only, at most once, no history and no offsets. For typing
    /// indicators, cursors and anything a subscriber that missed it does not need.
    /// </summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="name">The channel name.</param>
    IEphemeralChannel<T> Ephemeral<T>(string name);

    /// <summary>Presence for a channel: who is there, and joins and leaves as a stream, across all nodes.</summary>
    /// <param name="name">The presence set's name, usually the channel's.</param>
    IStreamPresence Presence(string name);

    /// <summary>
    /// A work queue with consumer-group semantics: each item goes to one consumer of a group and stays pending
    /// until acknowledged; items a consumer never acknowledged go to another when it leaves or its lease times out.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="name">The queue name.</param>
    IWorkQueue<T> Queue<T>(string name);

    /// <summary>
    /// A realtime model: shared state with a version, changed by compare-and-set from any node, watched as a snapshot
    /// then changes (JSON merge patches). Calls with the same name and type share one model.
    /// </summary>
    /// <typeparam name="TState">The state type; it needs a serializer (generated for message types).</typeparam>
    /// <param name="name">The model name, e.g. <c>"todo:team"</c>.</param>
    /// <param name="options">Options (the initial state, the history length); null for the defaults.</param>
    /// <exception cref="NotSupportedException">This hub has no models (a hub that is not RxStreams' own).</exception>
    Models.IStreamModel<TState> Model<TState>(string name, Models.StreamModelOptions<TState>? options = null)
        => throw new NotSupportedException($"{GetType().Name} has no models: use RxStreams' StreamHub.");

    /// <summary>
    /// Client-hosted stream servers: which exist (created and destroyed, across nodes), and a way for server code to
    /// connect to one or ask it for an answer.
    /// </summary>
    Servers.IStreamServers Servers { get; }
}
