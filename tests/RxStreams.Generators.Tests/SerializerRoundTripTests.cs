using System.Text;
using System.Text.Json;
using RxStreams.Generators.Tests.Infrastructure;
using RxStreams.Generators.Tests.Messages;
using RxStreams.Serialization;

namespace RxStreams.Generators.Tests;

/// <summary>
/// The serializers the generator emitted for this project's message types (Messages/), as the runtime uses them:
/// every supported type kind round-trips, and System.Text.Json reads what they write and vice versa.
/// </summary>
public sealed class SerializerRoundTripTests
{
    public static TheoryData<string> RichSamples => new() { nameof(Samples.Full), nameof(Samples.Empty) };

    private static RichMessage Sample(string name) => name == nameof(Samples.Full) ? Samples.Full() : Samples.Empty();

    [Fact]
    public void The_module_initializer_registered_the_generated_serializers()
    {
        foreach (var serializer in new object[]
        {
            StreamSerializer.Get<RichMessage>(), StreamSerializer.Get<ChatMessage>(), StreamSerializer.Get<Address>(),
            StreamSerializer.Get<GeoPoint>(), StreamSerializer.Get<Priority>(), StreamSerializer.Get<Permissions>(),
            StreamSerializer.Get<Settings>(), StreamSerializer.Get<Shared>(), StreamSerializer.Get<TreeNode>(),
            StreamSerializer.Get<List<int>>(), StreamSerializer.Get<int[]>(), StreamSerializer.Get<PresenceEvent>(),
            StreamSerializer.Get<Standalone>(),
        })
        {
            Assert.StartsWith("RxStreams.Generated.RxStreams_Generators_Tests+", serializer.GetType().FullName, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(RichSamples))]
    public void Every_type_kind_round_trips(string sample)
    {
        var value = Sample(sample);
        var json = Json.Write(value);
        Json.AssertEquivalent(value, Json.Read<RichMessage>(json));
    }

    [Theory]
    [MemberData(nameof(RichSamples))]
    public void System_Text_Json_reads_what_the_generated_serializer_writes(string sample)
    {
        var value = Sample(sample);
        Json.AssertEquivalent(value, Json.StjRead<RichMessage>(Json.Write(value)));
    }

    [Theory]
    [MemberData(nameof(RichSamples))]
    public void The_generated_serializer_reads_what_System_Text_Json_writes(string sample)
    {
        var value = Sample(sample);
        Json.AssertEquivalent(value, Json.Read<RichMessage>(Json.StjWrite(value)));
    }

    [Theory]
    [MemberData(nameof(RichSamples))]
    public void Both_write_the_same_JSON(string sample)
    {
        var value = Sample(sample);
        Json.AssertSameJson(Json.StjWrite(value), Json.Write(value));
    }

    [Fact]
    public void Values_come_back_exactly()
    {
        var value = Samples.Full();
        var back = Json.Read<RichMessage>(Json.Write(value));
        Assert.Equal(value.DateTime, back.DateTime);
        Assert.Equal(DateTimeKind.Utc, back.DateTime.Kind);
        Assert.Equal(value.DateTimeOffset, back.DateTimeOffset);
        Assert.Equal(value.DateTimeOffset.Offset, back.DateTimeOffset.Offset);
        Assert.Equal(value.TimeSpan, back.TimeSpan);
        Assert.Equal(value.TimeOnly, back.TimeOnly);
        Assert.Equal(value.DateOnly, back.DateOnly);
        Assert.Equal(value.Decimal, back.Decimal);
        Assert.Equal(value.UInt64, back.UInt64);
        Assert.Equal(value.Single, back.Single);
        Assert.Equal(value.Char, back.Char);
        Assert.Equal(value.Bytes, back.Bytes);
        Assert.Equal(value.OptionalText, back.OptionalText);
        Assert.Equal(value.NullableNumbers, back.NullableNumbers);
        Assert.Equal(value.Matrix, back.Matrix);
        Assert.Equal(value.Point, back.Point);
        Assert.Equal("Town", back.Address!.Next!.City);
        Assert.Equal(value.Extra.GetRawText(), back.Extra.GetRawText());
        Assert.Equal("note", back.Note);
        Assert.IsType<List<Address>>(back.Addresses);
        Assert.IsType<int[]>(back.Numbers);
        Assert.IsType<Dictionary<string, List<GeoPoint>>>(back.Routes);
    }

    [Fact]
    public void The_wire_format_is_camelCase_with_camelCase_enum_names()
    {
        var json = Json.Write(Samples.Full());
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal("normal", root.GetProperty("priority").GetString());
        Assert.Equal("write", root.GetProperty("permissions").GetString());
        Assert.Equal(["low", "veryHigh"], root.GetProperty("priorities").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("-3.04:05:06.7890001", root.GetProperty("timeSpan").GetString());
        Assert.Equal("1999-12-31", root.GetProperty("dateOnly").GetString());
        Assert.Equal("23:59:59.9990009", root.GetProperty("timeOnly").GetString());
        Assert.Equal("AAEC/v8=", root.GetProperty("bytes").GetString());
        Assert.Equal("é", root.GetProperty("char").GetString());
        Assert.True(root.TryGetProperty("uInt64", out _));
        Assert.True(root.TryGetProperty("note", out _));
    }

    [Fact]
    public void Records_classes_and_structs_round_trip_with_System_Text_Json()
    {
        AssertCrossChecks(new ChatMessage("ann", "hello", new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(-7))));
        AssertCrossChecks(new GeoPoint(-1e-300, 1e300));
        AssertCrossChecks(new Shared("v", 9));
        AssertCrossChecks(Samples.Tree());
        AssertCrossChecks(new Address { Street = "s", City = "c", Floor = 0, Next = null });
        AssertCrossChecks(new PresenceEvent(PresenceEventKind.Snapshot, null, [new("c1", "u1", "data"), new("c2", "u2")]));
        AssertCrossChecks(new PresenceEvent(PresenceEventKind.Left, new PresenceMember("c1", "u1")));
    }

    [Fact]
    public void Init_only_required_renamed_ignored_and_read_only_members()
    {
        var value = Samples.Settings();
        var json = Json.Write(value);
        Json.AssertSameJson("""{"name":"n","size":3,"items":["x","y"],"display_name":"Display","computed":"computed:n"}""", json);
        Json.AssertSameJson(Json.StjWrite(value), json);

        var back = Json.Read<Settings>(json);
        Assert.Equal(("n", 3, "Display", "hidden"), (back.Name, back.Size, back.DisplayName, back.Secret));
        Assert.Equal(["x", "y"], back.Items);
        var fromStj = Json.StjRead<Settings>(json);
        Assert.Equal((fromStj.Name, fromStj.Size, fromStj.DisplayName), (back.Name, back.Size, back.DisplayName));
    }

    [Fact]
    public void Payload_types_that_are_not_objects_get_root_serializers()
    {
        Assert.Equal("[1,2,3]", Json.Write(new List<int> { 1, 2, 3 }));
        Assert.Equal([4, 5], Json.Read<List<int>>("[4,5]"));
        Assert.Equal([6], Json.Read<int[]>("[6]"));
        Assert.Throws<StreamSerializationException>(() => Json.Read<int[]>("null"));
        Assert.Equal("null", Json.Write<int[]>(null!));
        Assert.Equal("\"veryHigh\"", Json.Write(Priority.VeryHigh));
        Assert.Equal(Priority.Normal, Json.Read<Priority>("\"normal\""));
    }

    [Fact]
    public void A_null_message_is_written_as_null_but_a_null_payload_is_refused_as_invalid()
    {
        // A handler's input is never a null it did not declare: the host answers invalid_payload instead.
        Assert.Equal("null", Json.Write<ChatMessage>(null!));
        var error = Assert.Throws<StreamSerializationException>(() => Json.Read<ChatMessage>("null"));
        Assert.Equal(StreamErrorCodes.InvalidPayload, error.Code);
    }

    [Fact]
    public void The_reader_is_left_on_the_last_token_of_the_value()
    {
        // The IStreamSerializer contract: positioned on the value's first token, left on its last.
        var bytes = Encoding.UTF8.GetBytes("""[{"from":"a","text":"1","sentAt":"2024-01-01T00:00:00+00:00","extra":{"n":[1]}},{"from":"b","text":"2","sentAt":"2024-01-01T00:00:00+00:00"},7]""");
        var reader = new Utf8JsonReader(bytes);
        var serializer = StreamSerializer.Get<ChatMessage>();
        reader.Read();
        reader.Read();
        var first = serializer.Read(ref reader);
        Assert.Equal(JsonTokenType.EndObject, reader.TokenType);
        reader.Read();
        var second = serializer.Read(ref reader);
        reader.Read();
        Assert.Equal(("a", "b", 7), (first.From, second.From, reader.GetInt32()));
    }

    private static void AssertCrossChecks<T>(T value)
    {
        var ours = Json.Write(value);
        Json.AssertEquivalent(value, Json.Read<T>(ours));
        Json.AssertEquivalent(value, Json.StjRead<T>(ours));
        Json.AssertEquivalent(value, Json.Read<T>(Json.StjWrite(value)));
        Json.AssertSameJson(Json.StjWrite(value), ours);
    }
}
