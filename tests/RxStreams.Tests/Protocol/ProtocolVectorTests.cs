using System.Buffers;
using RxStreams.Protocol;

namespace RxStreams.Tests.Protocol;

/// <summary>The .NET codec against docs/protocol-vectors.json, the vectors the browser client also passes.</summary>
public sealed class ProtocolVectorTests
{
    public static TheoryData<string> ValidNames() => ProtocolVectors.ValidNames();

    public static TheoryData<string> InvalidNames() => ProtocolVectors.InvalidNames();

    [Fact]
    public void The_file_is_for_this_protocol_version()
    {
        Assert.Equal(ProtocolConstants.Version, (uint)ProtocolVectors.Version);
        Assert.Equal(ProtocolConstants.DefaultMaxFrameSize, ProtocolVectors.DefaultMaxFrameSize);
        Assert.Equal(ProtocolVectors.Valid.Count, ProtocolVectors.Valid.Select(v => v.Name).Distinct().Count());
        Assert.Equal(ProtocolVectors.Invalid.Count, ProtocolVectors.Invalid.Select(v => v.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(ValidNames))]
    public void A_valid_vector_decodes_to_its_frames(string name)
    {
        var vector = ProtocolVectors.GetValid(name);
        var frames = Frames.ReadMessage(Sequences.Single(vector.Bytes), vector.MaxFrameSize);
        Assert.Equal(vector.Frames.Count, frames.Count);
        for (var i = 0; i < frames.Count; i++)
        {
            Frames.AssertEqual(vector.Frames[i], frames[i], $"frame {i}");
        }
    }

    [Theory]
    [MemberData(nameof(ValidNames))]
    public void A_valid_vector_encodes_to_its_bytes(string name)
    {
        var vector = ProtocolVectors.GetValid(name);
        Assert.Equal(Convert.ToHexString(vector.Bytes), Convert.ToHexString(Frames.Write(vector.Frames)));

        var typed = new ArrayBufferWriter<byte>();
        foreach (var frame in vector.Frames)
        {
            Frames.WriteWithTypedMethod(typed, frame);
        }
        Assert.Equal(Convert.ToHexString(vector.Bytes), Convert.ToHexString(typed.WrittenSpan));
    }

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public void An_invalid_vector_is_rejected_with_its_code(string name)
    {
        var vector = ProtocolVectors.GetInvalid(name);
        var error = Assert.Throws<ProtocolException>(() => Frames.ReadMessage(Sequences.Single(vector.Bytes), vector.MaxFrameSize));
        Assert.Equal(vector.Code, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.InRange(error.Position, -1, vector.Bytes.Length);
    }

    [Fact]
    public void The_valid_vectors_cover_every_frame_type_and_flag_combination()
    {
        var frames = ProtocolVectors.Valid.SelectMany(v => v.Frames).ToList();
        foreach (var type in Enum.GetValues<FrameType>())
        {
            Assert.Contains(frames, f => f.Type == type);
        }
        Assert.Contains(frames, f => f.Type == FrameType.Welcome && f.Resumed);
        Assert.Contains(frames, f => f.Type == FrameType.Welcome && !f.Resumed);
        foreach (var (offset, payload) in new[] { (false, false), (true, false), (false, true), (true, true) })
        {
            Assert.Contains(frames, f => f.Type == FrameType.Open && f.Offset.HasValue == offset && f.HasPayload == payload);
        }
        Assert.Contains(frames, f => f.Type == FrameType.Open && f.HasPayload && f.Payload.IsEmpty);
        Assert.Contains(frames, f => f.Type == FrameType.Next && f.Offset.HasValue);
        Assert.Contains(frames, f => f.Type == FrameType.Next && !f.Offset.HasValue);
        Assert.Contains(frames, f => f.Type == FrameType.Next && f.Payload.IsEmpty);
        Assert.Contains(frames, f => f.Type == FrameType.Error && f.Offset.HasValue);
        Assert.Contains(frames, f => f.Type == FrameType.Error && f.StreamId == 0);
        Assert.Contains(frames, f => f.StreamId == uint.MaxValue);
        Assert.Contains(ProtocolVectors.Valid, v => v.Frames.Count > 1);
        Assert.Contains(ProtocolVectors.Invalid, v => v.Code == StreamErrorCodes.FrameTooLarge);
    }
}
