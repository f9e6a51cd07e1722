namespace RxStreams.Backplanes;

/// <summary>An item as a backplane carries it: an offset, a time and the serialized value, shared by every reader.</summary>
/// <param name="Offset">The item's offset (default for ephemeral items).</param>
/// <param name="Timestamp">When the item was appended or published.</param>
/// <param name="Payload">The UTF-8 JSON of the value. Readers must not modify it; they may keep it.</param>
public readonly record struct BackplaneEntry(StreamOffset Offset, DateTimeOffset Timestamp, ReadOnlyMemory<byte> Payload)
{
    /// <summary>
    /// The W3C <c>traceparent</c> of the publish that appended the item, when it was traced (something listened to the
    /// <c>RxStreams</c> activity source and the publisher was in a trace); null otherwise, and also when read on a node
    /// where nothing listens (the Redis backplane then skips it). Delivery on each node starts a span under it, so a
    /// trace follows the item across nodes.
    /// </summary>
    public string? TraceParent { get; init; }
}
