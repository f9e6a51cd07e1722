namespace RxStreams;

/// <summary>
/// A value read from a durable channel, with its offset and the time it was appended.
/// A handler that returns <c>IObservable&lt;StreamItem&lt;T&gt;&gt;</c> makes its stream resumable:
/// each item's offset travels on the wire and a reconnecting client comes back from the last one it saw.
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
public readonly struct StreamItem<T>
{
    /// <summary>Creates an item.</summary>
    public StreamItem(StreamOffset offset, T value, DateTimeOffset timestamp)
    {
        Offset = offset;
        Value = value;
        Timestamp = timestamp;
        EncodedValue = default;
    }

    internal StreamItem(StreamOffset offset, T value, DateTimeOffset timestamp, ReadOnlyMemory<byte> encodedValue)
    {
        Offset = offset;
        Value = value;
        Timestamp = timestamp;
        EncodedValue = encodedValue;
    }

    /// <summary>The item's position in its channel.</summary>
    public StreamOffset Offset { get; }

    /// <summary>The value.</summary>
    public T Value { get; }

    /// <summary>When the item was appended to its channel.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>
    /// The UTF-8 JSON of <see cref="Value"/> as the channel already holds it (empty when unknown).
    /// The host sends these bytes as they are, so a value fanned out to many clients is serialized once.
    /// </summary>
    internal ReadOnlyMemory<byte> EncodedValue { get; }

    /// <summary>Returns a copy with another value (the offset and time are kept; the cached encoding is not).</summary>
    public StreamItem<TResult> WithValue<TResult>(TResult value) => new(Offset, value, Timestamp);

    /// <inheritdoc />
    public override string ToString() => $"{Offset}: {Value}";
}
