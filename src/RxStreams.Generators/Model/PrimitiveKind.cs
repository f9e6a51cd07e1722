namespace RxStreams.Generators.Model;

/// <summary>The primitive types serialized inline.</summary>
internal enum PrimitiveKind
{
    None,
    Boolean,
    Byte,
    SByte,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Single,
    Double,
    Decimal,
    Char,
    String,
    Guid,
    DateTime,
    DateTimeOffset,
    TimeSpan,
    DateOnly,
    TimeOnly,
    ByteArray,
    JsonElement,
}
