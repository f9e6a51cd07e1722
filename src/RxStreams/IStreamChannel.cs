namespace RxStreams;

/// <summary>
/// A durable channel. As an <see cref="IObserver{T}"/> it publishes (fire and forget: failures are logged; use
/// <see cref="PublishAsync"/> to observe them). As an <see cref="IObservable{T}"/> it is the live tail: the items
/// published after the subscription starts. <see cref="From"/> replays history first, with no gap and no duplicate.
/// </summary>
/// <remarks>
/// <see cref="IObserver{T}.OnCompleted"/> and <see cref="IObserver{T}.OnError"/> do nothing: a channel outlives
/// any one publisher. Subscribers are called one item at a time, in offset order, never while RxStreams holds a lock;
/// a subscriber that throws is detached and the error logged, and every other subscriber goes on.
/// </remarks>
/// <typeparam name="T">The value type.</typeparam>
public interface IStreamChannel<T> : IObserver<T>, IObservable<StreamItem<T>>
{
    /// <summary>The channel name.</summary>
    string Name { get; }

    /// <summary>Publishes a value and returns its offset once the backplane holds it.</summary>
    /// <exception cref="BackplaneUnavailableException">The backplane cannot be reached.</exception>
    ValueTask<StreamOffset> PublishAsync(T value, CancellationToken cancellationToken = default);

    /// <summary>
    /// The items after <paramref name="offset"/> that the history holds, then the live tail, with no gap and no
    /// duplicate, also while others publish. <see cref="StreamOffset.Start"/> reads the whole retained history.
    /// When the history no longer holds the items after <paramref name="offset"/>, the sequence fails with a
    /// <see cref="StreamNotRecoveredException"/> carrying the first offset still held; it never skips silently.
    /// </summary>
    /// <param name="offset">The last offset the subscriber has seen, or <see cref="StreamOffset.Start"/>.</param>
    IObservable<StreamItem<T>> From(StreamOffset offset);

    /// <summary>
    /// Publishes every value of <paramref name="input"/> (in order) for as long as the returned sequence is subscribed,
    /// and returns <see cref="From"/>(<paramref name="from"/>) — or the live tail when <paramref name="from"/> is null.
    /// This is the shape of a chat room: what a client writes goes in, what the room says comes out. If a publish
    /// fails, the returned sequence fails with the error; the input completing does not end it.
    /// </summary>
    /// <param name="input">The values to publish.</param>
    /// <param name="from">The offset to read after, or null for live items only.</param>
    IObservable<StreamItem<T>> Connect(IObservable<T> input, StreamOffset? from = null);

    /// <summary>Reads the channel's current bounds.</summary>
    ValueTask<StreamChannelInfo> GetInfoAsync(CancellationToken cancellationToken = default);
}
