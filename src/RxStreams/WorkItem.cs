namespace RxStreams;

/// <summary>An item delivered to a work-queue consumer; acknowledge it once processed.</summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed class WorkItem<T>
{
    private readonly Func<StreamOffset, CancellationToken, ValueTask<bool>> _ack;

    internal WorkItem(StreamOffset id, T value, int deliveryCount, Func<StreamOffset, CancellationToken, ValueTask<bool>> ack)
    {
        Id = id;
        Value = value;
        DeliveryCount = deliveryCount;
        _ack = ack;
    }

    /// <summary>The item's id in the queue.</summary>
    public StreamOffset Id { get; }

    /// <summary>The item.</summary>
    public T Value { get; }

    /// <summary>How many times the item has been delivered, this time included: above 1 it is a redelivery.</summary>
    public int DeliveryCount { get; }

    /// <summary>
    /// Acknowledges the item. Returns false when it was no longer pending for this consumer (it timed out and went to
    /// another consumer, or was acknowledged already): the work was then done twice and the result should be dropped.
    /// </summary>
    public ValueTask<bool> AckAsync(CancellationToken cancellationToken = default) => _ack(Id, cancellationToken);
}
