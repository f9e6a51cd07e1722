namespace RxStreams;

/// <summary>
/// A work queue with consumer-group semantics (Redis Streams consumer groups when scaled out). Each item goes to one
/// consumer of each group and stays pending until acknowledged. A consumer that goes away (its subscription is
/// disposed, or its node dies) or does not acknowledge within <see cref="WorkQueueOptions.AckTimeout"/> loses its
/// pending items to the other consumers of the group. Delivery is at least once; an item acknowledged is never
/// delivered again, so an idempotent or acknowledge-once consumer processes each item exactly once.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public interface IWorkQueue<T> : IObserver<T>
{
    /// <summary>The queue name.</summary>
    string Name { get; }

    /// <summary>Adds an item and returns its id once the backplane holds it.</summary>
    /// <exception cref="BackplaneUnavailableException">The backplane cannot be reached.</exception>
    ValueTask<StreamOffset> EnqueueAsync(T item, CancellationToken cancellationToken = default);

    /// <summary>
    /// Consumes as <paramref name="consumer"/> of <paramref name="group"/> while subscribed. A new group starts at the
    /// oldest item the queue holds. At most <see cref="WorkQueueOptions.Prefetch"/> items are pending for the consumer
    /// at a time; acknowledge each with <see cref="WorkItem{T}.AckAsync"/>.
    /// </summary>
    IObservable<WorkItem<T>> Consume(string group, string consumer, WorkQueueOptions? options = null);
}
