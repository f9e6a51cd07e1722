using System.Text;
using RxStreams.Generators.Tests.Infrastructure;
using RxStreams.Generators.Tests.Messages;
using RxStreams.Serialization;
using RxStreams.Testing;

namespace RxStreams.Generators.Tests;

/// <summary>
/// Reading is tolerant of what other clients send (unknown members, missing members, other casing, numbers for
/// enums) and strict where it must be: JSON that is not a message fails with a StreamSerializationException
/// (code invalid_payload) and nothing else, so a connection loop never crashes on a bad payload.
/// </summary>
public sealed class SerializerToleranceTests
{
    [Fact]
    public void Unknown_members_of_every_json_kind_are_skipped()
    {
        var message = Json.Read<ChatMessage>("""
            {"zzz":{"a":[1,{"b":null}],"c":{}},"from":"f","yyy":[[],[[]]],"text":"t","xxx":"s","www":-1.5e10,"vvv":true,"uuu":null,"sentAt":"2024-01-01T00:00:00+00:00","ttt":false}
            """);
        Assert.Equal(new ChatMessage("f", "t", new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero)), message);
    }

    [Fact]
    public void Missing_members_are_defaulted_and_constructor_defaults_are_used()
    {
        Assert.Equal(new ChatMessage(null!, null!, default), Json.Read<ChatMessage>("{}"));
        Assert.Equal(new Shared("x", 7), Json.Read<Shared>("""{"value":"x"}"""));
        var empty = Json.Read<RichMessage>("{}");
        Assert.Null(empty.Tags);
        Assert.Equal(0, empty.Int32);
        Assert.Null(empty.Note);
    }

    [Fact]
    public void Missing_settable_and_init_only_members_keep_their_initializers()
    {
        var address = Json.Read<Address>("""{"street":"s"}""");
        Assert.Equal(1, address.Floor);
        var settings = Json.Read<Settings>("""{"name":"n"}""");
        Assert.Equal(10, settings.Size);
        Assert.Equal(["default"], settings.Items);
        Assert.Equal("hidden", settings.Secret);
        Assert.Equal(settings.Size, Json.StjRead<Settings>("""{"name":"n"}""").Size);
    }

    [Fact]
    public void Member_names_are_matched_case_insensitively()
    {
        var message = Json.Read<ChatMessage>("""{"FROM":"a","Text":"b","SENTAT":"2024-01-01T00:00:00Z"}""");
        Assert.Equal(("a", "b"), (message.From, message.Text));
        Assert.Equal("Display", Json.Read<Settings>("""{"Name":"n","DISPLAY_NAME":"Display"}""").DisplayName);
    }

    [Fact]
    public void Unknown_and_differently_cased_member_names_cost_no_allocation()
    {
        // A client that sends members a message does not know (or other casing) does so on every message: matching
        // their names must not allocate, so the same message read with and without them allocates the same.
        var serializer = StreamSerializer.Get<ChatMessage>();
        var plain = Encoding.UTF8.GetBytes("""{"from":"a","text":"b","sentAt":"2024-01-01T00:00:00Z"}""");
        var noisy = Encoding.UTF8.GetBytes("""{"type":"chat","FROM":"a","clientVersion":7,"Text":"b","sentAt":"2024-01-01T00:00:00Z","traceId":null}""");
        Assert.Equal(StreamSerializer.Deserialize(serializer, plain), StreamSerializer.Deserialize(serializer, noisy));

        var withoutUnknown = Allocations.SteadyState(() => StreamSerializer.Deserialize(serializer, plain));
        var withUnknown = Allocations.SteadyState(() => StreamSerializer.Deserialize(serializer, noisy));
        Assert.Equal(withoutUnknown, withUnknown);
    }

    [Fact]
    public void A_repeated_member_keeps_the_last_value()
        => Assert.Equal("second", Json.Read<ChatMessage>("""{"text":"first","text":"second"}""").Text);

    [Fact]
    public void Nullable_members_read_null()
    {
        var message = Json.Read<RichMessage>("""{"optionalText":null,"nullableInt":null,"address":null,"nullablePoint":null,"nullablePriority":null,"bytes":null,"routes":null,"nullableNumbers":[null],"maybeStrings":[null]}""");
        Assert.Null(message.OptionalText);
        Assert.Null(message.NullableInt);
        Assert.Null(message.Address);
        Assert.Null(message.NullablePoint);
        Assert.Null(message.NullablePriority);
        Assert.Null(message.Bytes);
        Assert.Null(message.Routes);
        Assert.Equal([null], message.NullableNumbers);
        Assert.Equal([null], message.MaybeStrings);
    }

    [Theory]
    [InlineData("\"veryHigh\"")]
    [InlineData("\"VeryHigh\"")]
    [InlineData("\"VERYHIGH\"")]
    [InlineData("\"urgent\"")]       // an alias of VeryHigh
    [InlineData("2")]
    [InlineData("\"2\"")]
    public void Enums_are_read_from_names_in_any_case_aliases_and_numbers(string json)
        => Assert.Equal(Priority.VeryHigh, Json.Read<Priority>(json));

    [Fact]
    public void Flags_are_read_from_comma_separated_names_and_combinations_written_as_numbers()
    {
        Assert.Equal(Permissions.Read | Permissions.Admin, Json.Read<Permissions>("\"read, Admin\""));
        Assert.Equal(Permissions.Read | Permissions.Write, Json.Read<Permissions>("3"));
        Assert.Equal("3", Json.Write(Permissions.Read | Permissions.Write));
        Assert.Equal(Permissions.Read | Permissions.Write, Json.StjRead<Permissions>(Json.Write(Permissions.Read | Permissions.Write)));
        Assert.Equal(Permissions.Read | Permissions.Write, Json.Read<Permissions>(Json.StjWrite(Permissions.Read | Permissions.Write)));
    }

    [Fact]
    public void An_undefined_enum_value_is_written_as_a_number()
    {
        Assert.Equal("42", Json.Write((Priority)42));
        Assert.Equal((Priority)42, Json.Read<Priority>("42"));
    }

    [Theory]
    [InlineData("""{"from":null}""", "from")]
    [InlineData("""{"tags":["a",null]}""", "tags[]")]
    [InlineData("""{"counts":{"a":null}}""", "counts{}")]
    [InlineData("""{"point":null}""", "point")]
    [InlineData("""{"int32":null}""", "int32")]
    [InlineData("""{"addresses":[null]}""", "addresses[]")]
    public void Null_where_the_member_does_not_allow_it_names_the_member(string json, string member)
    {
        var type = member is "from" ? typeof(ChatMessage) : typeof(RichMessage);
        var error = type == typeof(ChatMessage)
            ? Assert.Throws<StreamSerializationException>(() => Json.Read<ChatMessage>(json))
            : Assert.Throws<StreamSerializationException>(() => Json.Read<RichMessage>(json));
        Assert.Contains($"'{member}'", error.Message, StringComparison.Ordinal);
        Assert.Equal(StreamErrorCodes.InvalidPayload, error.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{")]
    [InlineData("}")]
    [InlineData("[")]
    [InlineData("nul")]
    [InlineData("{\"from\":}")]
    [InlineData("{\"from\":\"a\",}")]
    [InlineData("{\"from\" \"a\"}")]
    [InlineData("{\"from\":\"a\"")]
    [InlineData("{from:\"a\"}")]
    [InlineData("{\"from\":'a'}")]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("true")]
    [InlineData("{\"from\":1}")]
    [InlineData("{\"from\":{}}")]
    [InlineData("{\"sentAt\":\"not a date\"}")]
    [InlineData("{\"sentAt\":42}")]
    [InlineData("{} {}")]
    [InlineData("{}x")]
    [InlineData("{\"text\":\"\\uZZZZ\"}")]
    [InlineData("{\"text\":\"a\u0001b\"}")]
    public void Malformed_json_for_a_record_is_an_invalid_payload(string json)
        => AssertInvalidPayload(() => Json.Read<ChatMessage>(json));

    [Theory]
    [InlineData("{\"int32\":2147483648}")]
    [InlineData("{\"byte\":256}")]
    [InlineData("{\"sByte\":1.5}")]
    [InlineData("{\"uInt64\":-1}")]
    [InlineData("{\"decimal\":1e400}")]
    [InlineData("{\"char\":\"ab\"}")]
    [InlineData("{\"char\":\"\"}")]
    [InlineData("{\"char\":1}")]
    [InlineData("{\"timeSpan\":\"abc\"}")]
    [InlineData("{\"timeSpan\":\" 1:00:00\"}")]
    [InlineData("{\"timeSpan\":5}")]
    [InlineData("{\"dateOnly\":\"2024-13-01\"}")]
    [InlineData("{\"dateOnly\":\"2024-01-01T00:00:00\"}")]
    [InlineData("{\"timeOnly\":\"25:00:00\"}")]
    [InlineData("{\"timeOnly\":\"1.00:00:00\"}")]
    [InlineData("{\"guid\":\"zz\"}")]
    [InlineData("{\"bytes\":\"!!\"}")]
    [InlineData("{\"tags\":{}}")]
    [InlineData("{\"tags\":\"a\"}")]
    [InlineData("{\"counts\":[]}")]
    [InlineData("{\"counts\":{\"a\":\"b\"}}")]
    [InlineData("{\"priority\":\"nope\"}")]
    [InlineData("{\"priority\":true}")]
    [InlineData("{\"priority\":{}}")]
    [InlineData("{\"permissions\":\"read, nope\"}")]
    [InlineData("{\"numbers\":[1,\"2\"]}")]
    [InlineData("{\"point\":[]}")]
    [InlineData("{\"address\":\"x\"}")]
    [InlineData("{\"matrix\":[[1],[\"x\"]]}")]
    [InlineData("{\"extra\":}")]
    [InlineData("{\"flag\":\"true\"}")]
    public void Malformed_member_values_are_an_invalid_payload(string json)
        => AssertInvalidPayload(() => Json.Read<RichMessage>(json));

    [Fact]
    public void Invalid_utf8_is_an_invalid_payload()
        => AssertInvalidPayload(() => StreamSerializer.Deserialize(StreamSerializer.Get<ChatMessage>(), [(byte)'{', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)':', (byte)'1', (byte)'}']));

    [Fact]
    public void Nesting_deeper_than_the_reader_allows_is_an_invalid_payload()
    {
        var json = string.Concat(Enumerable.Repeat("""{"name":"n","children":[""", 100)) + string.Concat(Enumerable.Repeat("]}", 100));
        AssertInvalidPayload(() => Json.Read<TreeNode>(json));
    }

    [Fact]
    public void Escaped_values_are_read()
    {
        var message = Json.Read<RichMessage>("""{"char":"\u00e9","timeSpan":"\u0031:02:03","dateOnly":"2024\u002d01\u002d02","timeOnly":"\u0030\u0031:00:00","id":"\ud83d\ude00"}""");
        Assert.Equal('é', message.Char);
        Assert.Equal(new TimeSpan(1, 2, 3), message.TimeSpan);
        Assert.Equal(new DateOnly(2024, 1, 2), message.DateOnly);
        Assert.Equal(new TimeOnly(1, 0), message.TimeOnly);
        Assert.Equal("😀", message.Id);
    }

    private static void AssertInvalidPayload(Action read)
    {
        var error = Assert.Throws<StreamSerializationException>(read);
        Assert.Equal(StreamErrorCodes.InvalidPayload, error.Code);
    }
}
