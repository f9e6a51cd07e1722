namespace RxStreams.Channels;

/// <summary>
/// While a shared feed fans one value out to a node's subscribers, this remembers (for the delivering thread) the
/// bytes the value arrived as. The host looks the value up by reference before serializing, so a value sent to many
/// clients is serialized once, also when handlers return plain <c>IObservable&lt;T&gt;</c> rather than stream items.
/// </summary>
internal static class EncodedValueCache
{
    [ThreadStatic]
    private static object? t_value;

    [ThreadStatic]
    private static ReadOnlyMemory<byte> t_bytes;

    public static void Set(object? value, ReadOnlyMemory<byte> bytes)
    {
        t_value = value;
        t_bytes = value is null ? default : bytes;
    }

    public static void Clear()
    {
        t_value = null;
        t_bytes = default;
    }

    public static bool TryGet<T>(T value, out ReadOnlyMemory<byte> bytes)
    {
        if (!typeof(T).IsValueType && t_value is not null && ReferenceEquals(t_value, value))
        {
            bytes = t_bytes;
            return true;
        }
        bytes = default;
        return false;
    }
}
