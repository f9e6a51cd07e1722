namespace RxStreams.Backplanes;

/// <summary>An item as a backplane carries it: an offset, a time and the serialized value, shared by every reader.</summary>
/// <param name="Offset">The item's offset (default for ephemeral items).</param>
/// <param name="Timestamp">When the item was appended or published.</param>
/// <param name="Payload">The UTF-8 JSON of the value. Readers must not modify it; they may keep it.</param>
public readonly record struct BackplaneEntry(StreamOffset Offset, DateTimeOffset Timestamp, ReadOnlyMemory<byte> Payload);
