namespace RxStreams.Channels;

/// <summary>
/// While a shared feed fans one value out to a node's subscribers, this remembers (for the delivering thread) the
/// bytes the value arrived as. The host looks the value up by reference before serializing, so a value sent to many
/// clients is serialized once, also when handlers return plain <c>IObservable&lt;T&gt;</c> rather than stream items.
/// </summary>
/// <remarks>
/// The lookup runs once per delivery (per subscriber): value and bytes live in one per-thread object, so it costs one
/// thread-static read.
/// </remarks>
internal static class EncodedValueCache
{
    [ThreadStatic]
    private static Slot? t_slot;

    public static void Set(object? value, ReadOnlyMemory<byte> bytes)
    {
        var slot = t_slot ??= new Slot();
        slot.Value = value;
        slot.Bytes = value is null ? default : bytes;
    }

    public static void Clear()
    {
        if (t_slot is { } slot)
        {
            slot.Value = null;
            slot.Bytes = default;
        }
    }

    public static bool TryGet<T>(T value, out ReadOnlyMemory<byte> bytes)
    {
        if (!typeof(T).IsValueType && t_slot is { Value: { } cached } slot && ReferenceEquals(cached, value))
        {
            bytes = slot.Bytes;
            return true;
        }
        bytes = default;
        return false;
    }

    private sealed class Slot
    {
        public object? Value;
        public ReadOnlyMemory<byte> Bytes;
    }
}
