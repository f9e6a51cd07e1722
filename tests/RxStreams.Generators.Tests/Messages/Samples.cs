using System.Text.Json;

namespace RxStreams.Generators.Tests.Messages;

/// <summary>Message values for the serializer tests: every member set, edge values, and everything empty or null.</summary>
public static class Samples
{
    public static RichMessage Full() => new(
        Id: "id-1",
        OptionalText: "quotes \" backslash \\ <tag> & ünïcødé 😀 \u0001",
        Flag: true,
        Byte: byte.MaxValue,
        SByte: sbyte.MinValue,
        Int16: short.MinValue,
        UInt16: ushort.MaxValue,
        Int32: int.MinValue,
        UInt32: uint.MaxValue,
        Int64: long.MinValue,
        UInt64: ulong.MaxValue,
        Single: 3.14159f,
        Double: Math.PI,
        Decimal: decimal.MaxValue,
        Char: 'é',
        Guid: Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
        DateTime: new DateTime(2024, 2, 29, 13, 14, 15, 123, DateTimeKind.Utc).AddTicks(4567),
        DateTimeOffset: new DateTimeOffset(2024, 2, 29, 13, 14, 15, TimeSpan.FromMinutes(330)),
        TimeSpan: -new TimeSpan(3, 4, 5, 6, 789).Add(TimeSpan.FromTicks(1)),
        DateOnly: new DateOnly(1999, 12, 31),
        TimeOnly: new TimeOnly(23, 59, 59, 999).Add(TimeSpan.FromTicks(9)),
        Bytes: [0, 1, 2, 254, 255],
        NullableInt: 42,
        Priority: Priority.Normal,
        NullablePriority: Priority.Low,
        Permissions: Permissions.Write,
        Point: new GeoPoint(1.5, -2.25),
        NullablePoint: new GeoPoint(0, double.MaxValue),
        Address: new Address { Street = "Main", City = null, Floor = 3, Next = new Address { Street = "Side", City = "Town" } },
        Numbers: [1, -2, int.MaxValue],
        Tags: ["a", "", "c"],
        Addresses: [new Address { Street = "x" }, new Address { Street = "y", Floor = -1 }],
        NullableNumbers: [1, null, 3],
        Priorities: [Priority.Low, Priority.VeryHigh],
        Doubles: [1.0, double.Epsilon, -0.5],
        MaybeStrings: ["s", null],
        Counts: new() { ["one"] = 1, ["two"] = 2, ["with space"] = 3 },
        AddressBook: new Dictionary<string, Address> { ["home"] = new() { Street = "h" } },
        Routes: new Dictionary<string, List<GeoPoint>> { ["r"] = [new(1, 2), new(3, 4)], ["empty"] = [] },
        Matrix: [[1, 2], [], [3]],
        Extra: JsonDocument.Parse("""{"any":[1,"two",null,true,{"x":1.5}]}""").RootElement)
    {
        Note = "note",
    };

    public static RichMessage Empty() => new(
        Id: "",
        OptionalText: null,
        Flag: false,
        Byte: 0, SByte: 0, Int16: 0, UInt16: 0, Int32: 0, UInt32: 0, Int64: 0, UInt64: 0,
        Single: 0, Double: 0, Decimal: 0,
        Char: ' ',
        Guid: Guid.Empty,
        DateTime: default,
        DateTimeOffset: default,
        TimeSpan: TimeSpan.Zero,
        DateOnly: DateOnly.MinValue,
        TimeOnly: TimeOnly.MinValue,
        Bytes: null,
        NullableInt: null,
        Priority: Priority.Low,
        NullablePriority: null,
        Permissions: Permissions.None,
        Point: default,
        NullablePoint: null,
        Address: null,
        Numbers: [],
        Tags: [],
        Addresses: [],
        NullableNumbers: [],
        Priorities: [],
        Doubles: [],
        MaybeStrings: [],
        Counts: [],
        AddressBook: new Dictionary<string, Address>(),
        Routes: null,
        Matrix: [],
        Extra: JsonDocument.Parse("null").RootElement);

    public static Settings Settings() => new()
    {
        Name = "n",
        Size = 3,
        Items = ["x", "y"],
        DisplayName = "Display",
        Secret = "not serialized",
    };

    public static TreeNode Tree() => new()
    {
        Name = "root",
        Children = [new() { Name = "a", Children = [new() { Name = "a1" }] }, new() { Name = "b" }],
    };
}
