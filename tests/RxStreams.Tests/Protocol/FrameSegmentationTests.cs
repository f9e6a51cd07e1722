using RxStreams.Protocol;

namespace RxStreams.Tests.Protocol;

/// <summary>A message split across segments at any byte parses exactly as the contiguous message does.</summary>
public sealed class FrameSegmentationTests
{
    public static TheoryData<string> ValidNames() => ProtocolVectors.ValidNames();

    public static TheoryData<string> InvalidNames() => ProtocolVectors.InvalidNames();

    [Theory]
    [MemberData(nameof(ValidNames))]
    public void A_valid_message_split_in_two_at_every_byte_parses_the_same(string name)
    {
        var vector = ProtocolVectors.GetValid(name);
        // The 16 KiB vector would make this quadratic in its size; its boundaries near the fields are what matter.
        foreach (var cut in Cuts(vector.Bytes.Length))
        {
            var frames = Frames.ReadMessage(Sequences.Split(vector.Bytes, cut), vector.MaxFrameSize);
            Assert.Equal(vector.Frames.Count, frames.Count);
            for (var i = 0; i < frames.Count; i++)
            {
                Frames.AssertEqual(vector.Frames[i], frames[i], $"split at byte {cut}, frame {i}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(ValidNames))]
    public void A_valid_message_with_every_byte_in_its_own_segment_parses_the_same(string name)
    {
        var vector = ProtocolVectors.GetValid(name);
        var frames = Frames.ReadMessage(Sequences.Bytewise(vector.Bytes), vector.MaxFrameSize);
        Assert.Equal(vector.Frames.Count, frames.Count);
        for (var i = 0; i < frames.Count; i++)
        {
            Frames.AssertEqual(vector.Frames[i], frames[i], $"frame {i}");
        }
        Assert.Equal(Convert.ToHexString(vector.Bytes), Convert.ToHexString(Frames.Write(frames)));
    }

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public void An_invalid_message_split_at_every_byte_fails_the_same_way(string name)
    {
        var vector = ProtocolVectors.GetInvalid(name);
        var expected = Assert.Throws<ProtocolException>(() => Frames.ReadMessage(Sequences.Single(vector.Bytes), vector.MaxFrameSize));
        foreach (var cut in Cuts(vector.Bytes.Length))
        {
            var error = Assert.Throws<ProtocolException>(() => Frames.ReadMessage(Sequences.Split(vector.Bytes, cut), vector.MaxFrameSize));
            Assert.Equal(expected.Code, error.Code);
            Assert.Equal(expected.Message, error.Message);
            Assert.Equal(expected.Position, error.Position);
        }
        var bytewise = Assert.Throws<ProtocolException>(() => Frames.ReadMessage(Sequences.Bytewise(vector.Bytes), vector.MaxFrameSize));
        Assert.Equal(expected.Message, bytewise.Message);
    }

    [Fact]
    public void A_string_longer_than_the_stack_buffer_split_across_segments_decodes()
    {
        var route = "chat/" + new string('é', 400) + "/☕";
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        FrameWriter.WriteOpen(output, 1, route, null, 1, default, hasPayload: false);
        FrameWriter.WriteError(output, 1, "handler_error", new string('ü', 300));
        var bytes = output.WrittenSpan.ToArray();
        foreach (var cut in new[] { 6, 100, 500, 801, bytes.Length - 10 })
        {
            var frames = Frames.ReadMessage(Sequences.Split(bytes, cut));
            Assert.Equal(route, frames[0].Route);
            Assert.Equal(new string('ü', 300), frames[1].Message);
        }
        var bad = (byte[])bytes.Clone();
        bad[500] = 0xFF; // inside the route's UTF-8
        var error = Assert.Throws<ProtocolException>(() => Frames.ReadMessage(Sequences.Split(bad, 300)));
        Assert.Contains("route", error.Message, StringComparison.Ordinal);
        Assert.Contains("byte 500", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Every cut of a short message; for a long one, the first and last 300 and every 97th.</summary>
    private static IEnumerable<int> Cuts(int length)
        => Enumerable.Range(0, length + 1).Where(i => length <= 1024 || i < 300 || i > length - 300 || i % 97 == 0);
}
