using System.Text.Json;

namespace RxStreams.Generators.Tests.Messages;

/// <summary>Every type kind the generated serializers support, in one message.</summary>
public sealed record RichMessage(
    string Id,
    string? OptionalText,
    bool Flag,
    byte Byte,
    sbyte SByte,
    short Int16,
    ushort UInt16,
    int Int32,
    uint UInt32,
    long Int64,
    ulong UInt64,
    float Single,
    double Double,
    decimal Decimal,
    char Char,
    Guid Guid,
    DateTime DateTime,
    DateTimeOffset DateTimeOffset,
    TimeSpan TimeSpan,
    DateOnly DateOnly,
    TimeOnly TimeOnly,
    byte[]? Bytes,
    int? NullableInt,
    Priority Priority,
    Priority? NullablePriority,
    Permissions Permissions,
    GeoPoint Point,
    GeoPoint? NullablePoint,
    Address? Address,
    int[] Numbers,
    List<string> Tags,
    IReadOnlyList<Address> Addresses,
    IList<int?> NullableNumbers,
    IEnumerable<Priority> Priorities,
    ICollection<double> Doubles,
    IReadOnlyCollection<string?> MaybeStrings,
    Dictionary<string, int> Counts,
    IReadOnlyDictionary<string, Address> AddressBook,
    IDictionary<string, List<GeoPoint>>? Routes,
    List<int[]> Matrix,
    JsonElement Extra)
{
    /// <summary>A settable member outside the constructor.</summary>
    public string? Note { get; set; }
}
