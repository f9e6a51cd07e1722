using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using RxStreams.Protocol;

namespace RxStreams.Tests.Protocol;

/// <summary>Every frame written, read back and compared; the writer's argument checks; the reader's contract.</summary>
public sealed class FrameRoundTripTests
{
    private static readonly StreamOffset s_maxOffset = new(ulong.MaxValue, ulong.MaxValue);

    public static TheoryData<string> FrameNames() => new(Samples().Keys);

    /// <summary>Frames beyond the vectors: 64-bit offsets (which JavaScript cannot hold), large payloads, odd strings.</summary>
    private static Dictionary<string, Frame> Samples() => new()
    {
        ["hello"] = new() { Type = FrameType.Hello, Version = ProtocolConstants.Version, SessionId = "" },
        ["hello resume"] = new() { Type = FrameType.Hello, Version = ProtocolConstants.Version, SessionId = "sess-ü-🙂" },
        ["welcome"] = new() { Type = FrameType.Welcome, Version = 1, SessionId = "abc", Resumed = true, KeepAliveMilliseconds = 15_000, MaxFrameSize = ProtocolConstants.DefaultMaxFrameSize },
        ["welcome max"] = new() { Type = FrameType.Welcome, Version = uint.MaxValue, SessionId = new string('s', 300), KeepAliveMilliseconds = uint.MaxValue, MaxFrameSize = uint.MaxValue },
        ["open"] = new() { Type = FrameType.Open, StreamId = 1, Route = "chat/lobby", Credits = 256 },
        ["open u64 offset"] = new() { Type = FrameType.Open, StreamId = 3, Route = "chat/lobby", Offset = s_maxOffset, Credits = ProtocolConstants.UnboundedCredits },
        ["open payload"] = new() { Type = FrameType.Open, StreamId = 5, Route = "calc/add", Credits = 1, HasPayload = true, Payload = Utf8("{\"a\":1}") },
        ["open empty payload"] = new() { Type = FrameType.Open, StreamId = 7, Route = "x", HasPayload = true, Payload = default },
        ["open everything"] = new() { Type = FrameType.Open, StreamId = uint.MaxValue, Route = "路由/😀", Offset = new StreamOffset(1UL << 63, 1), Credits = 0, HasPayload = true, Payload = Utf8(new string('p', 70_000)) },
        ["next"] = new() { Type = FrameType.Next, StreamId = 1, HasPayload = true, Payload = Utf8("{\"text\":\"hi\"}") },
        ["next empty"] = new() { Type = FrameType.Next, StreamId = 1, HasPayload = true },
        ["next u64 offset"] = new() { Type = FrameType.Next, StreamId = 2, Offset = s_maxOffset, HasPayload = true, Payload = Utf8("{}") },
        ["next 2^53 offset"] = new() { Type = FrameType.Next, StreamId = 2, Offset = new StreamOffset(1UL << 53, (1UL << 53) + 1), HasPayload = true, Payload = Utf8("{}") },
        ["next large"] = new() { Type = FrameType.Next, StreamId = 9, Offset = new StreamOffset(1_700_000_000_000, 0), HasPayload = true, Payload = Utf8(new string('x', ProtocolConstants.DefaultMaxFrameSize - 20)) },
        ["next binary payload"] = new() { Type = FrameType.Next, StreamId = 9, HasPayload = true, Payload = new ReadOnlySequence<byte>([0xFF, 0x00, 0xC0, 0x80]) },
        ["complete"] = new() { Type = FrameType.Complete, StreamId = 1 },
        ["complete max"] = new() { Type = FrameType.Complete, StreamId = uint.MaxValue },
        ["error"] = new() { Type = FrameType.Error, StreamId = 1, Code = "route_not_found", Message = "No route." },
        ["error connection"] = new() { Type = FrameType.Error, StreamId = 0, Code = "protocol_error", Message = "" },
        ["error u64 offset"] = new() { Type = FrameType.Error, StreamId = 5, Code = "not_recovered", Message = "gone", Offset = s_maxOffset },
        ["cancel"] = new() { Type = FrameType.Cancel, StreamId = 11 },
        ["request"] = new() { Type = FrameType.Request, StreamId = 1, Credits = 1 },
        ["request max"] = new() { Type = FrameType.Request, StreamId = uint.MaxValue, Credits = uint.MaxValue },
        ["ping"] = new() { Type = FrameType.Ping },
        ["pong"] = new() { Type = FrameType.Pong },
    };

    [Theory]
    [MemberData(nameof(FrameNames))]
    public void A_frame_reads_back_as_written(string name)
    {
        var frame = Samples()[name];
        var bytes = Frames.Write([frame]);
        Assert.Equal(FrameWriter.GetFrameLength(frame), bytes.Length);

        var read = Frames.ReadMessage(Sequences.Single(bytes), int.MaxValue);
        Frames.AssertEqual(frame, Assert.Single(read));

        var typed = new ArrayBufferWriter<byte>();
        Frames.WriteWithTypedMethod(typed, frame);
        Assert.True(typed.WrittenSpan.SequenceEqual(bytes));

        // And split in two at every byte (the big ones at a sample of bytes).
        for (var cut = 0; cut <= bytes.Length; cut += bytes.Length > 2000 ? 997 : 1)
        {
            Frames.AssertEqual(frame, Assert.Single(Frames.ReadMessage(Sequences.Split(bytes, cut), int.MaxValue)), $"split at {cut}");
        }
    }

    [Fact]
    public void Every_frame_in_one_message_reads_back_in_order()
    {
        var frames = Samples().Values.Where(f => f.Payload.Length < 1000).ToList();
        var bytes = Frames.Write(frames);
        var read = Frames.ReadMessage(Sequences.Single(bytes));
        Assert.Equal(frames.Count, read.Count);
        for (var i = 0; i < frames.Count; i++)
        {
            Frames.AssertEqual(frames[i], read[i], $"frame {i}");
        }
    }

    [Fact]
    public void A_multi_segment_payload_is_written_whole()
    {
        var payload = Sequences.Split(Encoding.UTF8.GetBytes("{\"text\":\"split payload\"}"), 3, 10);
        var next = new Frame { Type = FrameType.Next, StreamId = 3, HasPayload = true, Payload = payload };
        var open = new Frame { Type = FrameType.Open, StreamId = 5, Route = "r", HasPayload = true, Payload = payload };
        var read = Frames.ReadMessage(Sequences.Single(Frames.Write([next, open])));
        Frames.AssertEqual(next, read[0]);
        Frames.AssertEqual(open, read[1]);
    }

    [Fact]
    public void The_payload_is_a_slice_of_the_input_not_a_copy()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteNext(output, 1, null, "{\"a\":1}"u8);
        var bytes = output.WrittenSpan.ToArray();
        var message = new ReadOnlySequence<byte>(bytes);
        Assert.True(FrameReader.TryReadFrame(ref message, ProtocolConstants.DefaultMaxFrameSize, out var frame));
        Assert.True(MemoryMarshal.TryGetArray(frame.Payload.First, out var segment));
        Assert.Same(bytes, segment.Array);
        Assert.Equal(4, segment.Offset);
    }

    [Fact]
    public void TryReadFrame_advances_past_each_frame_and_returns_false_at_the_end()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WritePing(output);
        FrameWriter.WriteNext(output, 1, new StreamOffset(5, 6), "{}"u8);
        FrameWriter.WriteComplete(output, 1);
        var message = new ReadOnlySequence<byte>(output.WrittenMemory);

        Assert.True(FrameReader.TryReadFrame(ref message, 1024, out var ping));
        Assert.Equal(FrameType.Ping, ping.Type);
        Assert.Equal(output.WrittenCount - 2, message.Length);
        Assert.True(FrameReader.TryReadFrame(ref message, 1024, out var next));
        Assert.Equal(new StreamOffset(5, 6), next.Offset);
        Assert.True(FrameReader.TryReadFrame(ref message, 1024, out var complete));
        Assert.Equal(FrameType.Complete, complete.Type);
        Assert.True(message.IsEmpty);
        Assert.False(FrameReader.TryReadFrame(ref message, 1024, out var none));
        Assert.Equal(default(FrameType), none.Type);
    }

    [Fact]
    public void A_frame_of_exactly_the_maximum_size_is_read_and_one_byte_more_is_refused()
    {
        var length = FrameWriter.GetNextFrameLength(1, null, 1000);
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteNext(output, 1, null, new byte[1000]);
        var message = new ReadOnlySequence<byte>(output.WrittenMemory);
        Assert.True(FrameReader.TryReadFrame(ref message, length, out _));

        message = new ReadOnlySequence<byte>(output.WrittenMemory);
        var error = Assert.Throws<ProtocolException>(() => FrameReader.TryReadFrame(ref message, length - 1, out _));
        Assert.Equal(StreamErrorCodes.FrameTooLarge, error.Code);
    }

    [Fact]
    public void Errors_say_what_was_wrong_and_at_which_byte()
    {
        // OPEN, stream 1, no flags, route of one byte 0xFF: the route field starts at byte 4 (prefix, type, id, flags).
        var error = Read("06030100 01ff 01");
        Assert.Equal(StreamErrorCodes.ProtocolError, error.Code);
        Assert.Equal(4, error.Position);
        Assert.Equal("Malformed OPEN frame at byte 4: the route is not valid UTF-8 (byte 5 is invalid).", error.Message);

        error = Read("03 08 01 00");
        Assert.Equal(3, error.Position);
        Assert.Equal("Malformed REQUEST frame at byte 3: the request count n is 0; it must be at least 1.", error.Message);

        error = Read("04 04 01 02 7b");
        Assert.Equal("Malformed NEXT frame at byte 3: the flags byte 0x02 sets unknown bits 0x02.", error.Message);

        error = Read("03 05 81 00");
        Assert.Equal("Malformed COMPLETE frame at byte 2: the stream id is a non-minimal (overlong) varint.", error.Message);

        error = Read("02 09 00");
        Assert.Equal("Malformed PING frame at byte 2: 1 unexpected bytes after the last field.", error.Message);

        error = Read("01 0b");
        Assert.Equal("Unknown frame type 0x0B at byte 1.", error.Message);

        error = Read("05 04 01 00");
        Assert.Equal("The frame length prefix at byte 0 says 5 bytes, but only 3 bytes follow in the message.", error.Message);

        error = Read("02 06 01");
        Assert.Equal("Malformed ERROR frame at byte 3: the frame ends inside the flags (its length prefix says 2 bytes).", error.Message);

        static ProtocolException Read(string hex)
        {
            var message = new ReadOnlySequence<byte>(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal)));
            return Assert.Throws<ProtocolException>(() => Frames.ReadMessage(message));
        }
    }

    [Fact]
    public void A_maximum_frame_size_below_1_is_a_programming_error()
    {
        var message = new ReadOnlySequence<byte>([1, 9]);
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameReader.TryReadFrame(ref message, 0, out _));
    }

    [Fact]
    public void The_writer_refuses_frames_the_peer_would_refuse()
    {
        var output = new ArrayBufferWriter<byte>();
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameWriter.WriteNext(output, 0, null, "{}"u8));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameWriter.WriteComplete(output, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameWriter.WriteCancel(output, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameWriter.WriteRequest(output, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameWriter.WriteRequest(output, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameWriter.WriteOpen(output, 0, "r", null, 1, default, false));
        Assert.Throws<ArgumentException>(() => FrameWriter.WriteOpen(output, 1, "r", null, 1, "{}"u8, hasPayload: false));
        Assert.Throws<ArgumentNullException>(() => FrameWriter.WriteOpen(output, 1, null!, null, 1, default, false));
        Assert.Throws<ArgumentException>(() => FrameWriter.WriteOpen(output, 1, "bad\ud800surrogate", null, 1, default, false));
        Assert.Throws<ArgumentException>(() => FrameWriter.WriteError(output, 1, "Not_Snake", "m"));
        Assert.Throws<ArgumentException>(() => FrameWriter.WriteError(output, 1, "", "m"));
        Assert.Throws<ArgumentException>(() => FrameWriter.WriteError(output, 1, "not-snake", "m"));
        Assert.Throws<ArgumentNullException>(() => FrameWriter.WriteHello(null!, 1, ""));
        Assert.Throws<ArgumentException>(() => FrameWriter.Write(output, new Frame { Type = (FrameType)0x0B }));
        Assert.Throws<ArgumentException>(() => FrameWriter.Write(output, new Frame { Type = 0 }));
        Assert.Throws<ArgumentException>(() => FrameWriter.GetFrameLength(new Frame { Type = (FrameType)0xFF }));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameWriter.GetNextFrameLength(1, null, -1));
        Assert.Equal(0, output.WrittenCount);

        // The error-code rule the reader applies is the writer's too.
        FrameWriter.WriteError(output, 0, "a", "");
        FrameWriter.WriteError(output, 0, "a1_b_", "");
        Assert.Equal(2, Frames.ReadMessage(new ReadOnlySequence<byte>(output.WrittenMemory)).Count);
    }

    [Theory]
    [InlineData(1u, false, 0, 4)]          // prefix 1 + type 1 + id 1 + flags 1
    [InlineData(1u, false, 124, 4)]        // the largest frame with a 1-byte prefix
    [InlineData(1u, false, 125, 5)]        // 2-byte prefix from 128-byte frames
    [InlineData(1u, false, 16_380, 5)]
    [InlineData(1u, false, 16_381, 6)]     // 3-byte prefix from 16 KiB frames
    [InlineData(1u, false, 65_000, 6)]
    [InlineData(200u, false, 100, 5)]      // a stream id from 128 takes 2 bytes
    [InlineData(1u, true, 100, 11)]        // + offset 1700000000000-3: 6 + 1 bytes
    [InlineData(1u, true, 200, 12)]
    public void A_NEXT_frame_costs_a_few_bytes_beyond_its_payload(uint streamId, bool withOffset, int payloadLength, int overhead)
    {
        StreamOffset? offset = withOffset ? new StreamOffset(1_700_000_000_000, 3) : null;
        var length = FrameWriter.GetNextFrameLength(streamId, offset, payloadLength);
        Assert.Equal(payloadLength + overhead, length);

        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteNext(output, streamId, offset, new byte[payloadLength]);
        Assert.Equal(length, output.WrittenCount);
    }

    [Fact]
    public void ToString_describes_the_frame()
    {
        var frame = new Frame { Type = FrameType.Next, StreamId = 3, Offset = new StreamOffset(5, 1), HasPayload = true, Payload = Utf8("{}") };
        Assert.Equal("NEXT stream=3 offset=5-1 payload=2B", frame.ToString());
        Assert.Equal("REQUEST stream=1 n=4", new Frame { Type = FrameType.Request, StreamId = 1, Credits = 4 }.ToString());
        Assert.Equal("type=0x0B", new Frame { Type = (FrameType)0x0B }.ToString());
    }

    private static ReadOnlySequence<byte> Utf8(string text) => new(Encoding.UTF8.GetBytes(text));
}
