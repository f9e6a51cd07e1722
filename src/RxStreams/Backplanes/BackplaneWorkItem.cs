namespace RxStreams.Backplanes;

/// <summary>A work-queue item delivered to one consumer.</summary>
/// <param name="Id">The item's id.</param>
/// <param name="Payload">The serialized item.</param>
/// <param name="DeliveryCount">How many times it was delivered, this time included.</param>
public readonly record struct BackplaneWorkItem(StreamOffset Id, ReadOnlyMemory<byte> Payload, int DeliveryCount);
