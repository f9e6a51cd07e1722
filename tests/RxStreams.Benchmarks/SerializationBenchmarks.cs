using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using RxStreams.Benchmarks.Messages;
using RxStreams.Serialization;

namespace RxStreams.Benchmarks;

/// <summary>
/// The generated serializers against System.Text.Json's source generator (JsonSerializerContext) for the same
/// types and wire format, writing into a reused Utf8JsonWriter and reading from UTF-8 bytes.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class SerializationBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private Utf8JsonWriter _writer = null!;
    private IStreamSerializer<ChatMessage> _chat = null!;
    private IStreamSerializer<OrderSnapshot> _order = null!;
    private ChatMessage _chatMessage = null!;
    private OrderSnapshot _orderSnapshot = null!;
    private byte[] _chatJson = null!;
    private byte[] _orderJson = null!;

    [GlobalSetup]
    public void Setup()
    {
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
        _chat = StreamSerializer.Get<ChatMessage>();
        _order = StreamSerializer.Get<OrderSnapshot>();
        _chatMessage = new ChatMessage("alice", "Hello, world! How is everyone doing today?", new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero));
        _orderSnapshot = new OrderSnapshot(
            Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), 42, OrderStatus.Paid, "ACME Corporation", null,
            new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)),
            [new("SKU-1", 2, 9.99m), new("SKU-22", 1, 149.5m), new("SKU-333", 10, 0.25m)],
            new() { ["channel"] = "web", ["region"] = "eu-west" },
            0.1, true);
        _chatJson = StreamSerializer.SerializeToArray(_chat, _chatMessage);
        _orderJson = StreamSerializer.SerializeToArray(_order, _orderSnapshot);
        if (!_chatJson.AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(_chatMessage, BenchmarkJsonContext.Default.ChatMessage)))
        {
            throw new InvalidOperationException("The two serializers do not write the same JSON for ChatMessage.");
        }

        // Whether System.Text.Json uses its generated fast path (direct writer calls) when serializing, or its metadata.
        Console.WriteLine($"// STJ fast path: ChatMessage {BenchmarkJsonContext.Default.ChatMessage.SerializeHandler is not null}, OrderSnapshot {BenchmarkJsonContext.Default.OrderSnapshot.SerializeHandler is not null}");
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Write", "ChatMessage")]
    public int Write_Chat_Stj()
    {
        Reset();
        JsonSerializer.Serialize(_writer, _chatMessage, BenchmarkJsonContext.Default.ChatMessage);
        _writer.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark]
    [BenchmarkCategory("Write", "ChatMessage")]
    public int Write_Chat_Generated()
    {
        Reset();
        _chat.Write(_writer, _chatMessage);
        _writer.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Read", "ChatMessage")]
    public ChatMessage Read_Chat_Stj() => JsonSerializer.Deserialize(_chatJson, BenchmarkJsonContext.Default.ChatMessage)!;

    [Benchmark]
    [BenchmarkCategory("Read", "ChatMessage")]
    public ChatMessage Read_Chat_Generated()
    {
        var reader = new Utf8JsonReader(_chatJson);
        reader.Read();
        return _chat.Read(ref reader);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Write", "OrderSnapshot")]
    public int Write_Order_Stj()
    {
        Reset();
        JsonSerializer.Serialize(_writer, _orderSnapshot, BenchmarkJsonContext.Default.OrderSnapshot);
        _writer.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark]
    [BenchmarkCategory("Write", "OrderSnapshot")]
    public int Write_Order_Generated()
    {
        Reset();
        _order.Write(_writer, _orderSnapshot);
        _writer.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Read", "OrderSnapshot")]
    public OrderSnapshot Read_Order_Stj() => JsonSerializer.Deserialize(_orderJson, BenchmarkJsonContext.Default.OrderSnapshot)!;

    [Benchmark]
    [BenchmarkCategory("Read", "OrderSnapshot")]
    public OrderSnapshot Read_Order_Generated()
    {
        var reader = new Utf8JsonReader(_orderJson);
        reader.Read();
        return _order.Read(ref reader);
    }

    private void Reset()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
    }
}
