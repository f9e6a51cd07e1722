namespace RxStreams;

/// <summary>
/// An ephemeral channel: at-most-once publish/subscribe with no history. Publishing through
/// <see cref="IObserver{T}.OnNext"/> is fire and forget; <see cref="PublishAsync"/> reports failures.
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
public interface IEphemeralChannel<T> : IObserver<T>, IObservable<T>
{
    /// <summary>The channel name.</summary>
    string Name { get; }

    /// <summary>Publishes a value to the subscribers present now, on every node.</summary>
    /// <exception cref="BackplaneUnavailableException">The backplane cannot be reached.</exception>
    ValueTask PublishAsync(T value, CancellationToken cancellationToken = default);

    /// <summary>Publishes every value of <paramref name="input"/> while the returned sequence is subscribed, and returns the live items.</summary>
    IObservable<T> Connect(IObservable<T> input);
}
