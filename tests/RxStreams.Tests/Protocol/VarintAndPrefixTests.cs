using System.Buffers;
using RxStreams.Protocol;

namespace RxStreams.Tests.Protocol;

/// <summary>
/// The edges of varint decoding and of the frame length prefix, where a parser that is almost right would accept
/// a longer, overflowing or non-minimal encoding: each case names the exact status or error.
/// </summary>
public sealed class VarintAndPrefixTests
{
    [Theory]
    [InlineData("", Varint.MaxLength32, "Truncated", 0UL)]
    [InlineData("7f", Varint.MaxLength32, "Ok", 127UL)]
    [InlineData("8001", Varint.MaxLength32, "Ok", 128UL)]
    [InlineData("80", Varint.MaxLength32, "Truncated", 0UL)]
    [InlineData("8000", Varint.MaxLength32, "Overlong", 0UL)]
    [InlineData("ffffffff0f", Varint.MaxLength32, "Ok", 4294967295UL)]
    [InlineData("ffffffff1f", Varint.MaxLength32, "Overflow", 0UL)]
    [InlineData("8080808080", Varint.MaxLength32, "TooLong", 0UL)]
    [InlineData("ffffffff8f01", Varint.MaxLength32, "TooLong", 0UL)]
    [InlineData("ffffffff1f", Varint.MaxLength64, "Ok", 0x1_FFFF_FFFFUL)]
    [InlineData("ffffffffffffffffff01", Varint.MaxLength64, "Ok", ulong.MaxValue)]
    [InlineData("ffffffffffffffffff02", Varint.MaxLength64, "Overflow", 0UL)]
    [InlineData("ffffffffffffffffff8001", Varint.MaxLength64, "TooLong", 0UL)]
    [InlineData("80808080808080808000", Varint.MaxLength64, "Overlong", 0UL)]
    public void Reads_exactly_the_minimal_encodings_that_fit(string hex, int maxBytes, string status, ulong value)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Convert.FromHexString(hex)));
        Assert.Equal(Enum.Parse<VarintStatus>(status), Varint.TryRead(ref reader, maxBytes, out var read));
        if (status == nameof(VarintStatus.Ok))
        {
            Assert.Equal(value, read);
            Assert.Equal(hex.Length / 2, reader.Consumed);
        }
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(127UL)]
    [InlineData(128UL)]
    [InlineData(16383UL)]
    [InlineData(16384UL)]
    [InlineData(4294967295UL)]
    [InlineData(ulong.MaxValue)]
    public void Writes_what_it_reads(ulong value)
    {
        var buffer = new byte[Varint.MaxLength64];
        var index = 0;
        Varint.Write(buffer, ref index, value);
        Assert.Equal(Varint.Length(value), index);
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(buffer, 0, index));
        Assert.Equal(VarintStatus.Ok, Varint.TryRead(ref reader, Varint.MaxLength64, out var read));
        Assert.Equal(value, read);
    }

    [Theory]
    [InlineData("80", "Bad frame length prefix at byte 0: the message ends inside it.")]
    [InlineData("8080808080", "Bad frame length prefix at byte 0: it is a varint longer than 5 bytes.")]
    [InlineData("ffffffff1f", "Bad frame length prefix at byte 0: it is larger than 4294967295.")]
    [InlineData("8000", "Bad frame length prefix at byte 0: it is a non-minimal (overlong) varint.")]
    [InlineData("00", "Zero-length frame at byte 0: a frame has at least its type byte.")]
    [InlineData("0509", "The frame length prefix at byte 0 says 5 bytes, but only 1 bytes follow in the message.")]
    public void A_bad_length_prefix_is_a_protocol_error_at_byte_0(string hex, string message)
    {
        var error = Read(hex, 1024);
        Assert.Equal((StreamErrorCodes.ProtocolError, 0L, message), (error.Code, error.Position, error.Message));
    }

    [Fact]
    public void A_message_over_the_maximum_is_refused_before_parsing_and_a_frame_over_it_names_its_size()
    {
        var whole = Read(new string('0', 2 * 51), 50);
        Assert.Equal((StreamErrorCodes.FrameTooLarge, -1L), (whole.Code, whole.Position));
        Assert.Equal("The message is 51 bytes, more than the maximum frame size of 50 bytes.", whole.Message);

        var frame = Read("6409", 100); // says 100 bytes: 101 with the prefix
        Assert.Equal((StreamErrorCodes.FrameTooLarge, 0L), (frame.Code, frame.Position));
        Assert.Equal("The frame at byte 0 is 101 bytes with its length prefix, more than the maximum frame size of 100 bytes.", frame.Message);
    }

    private static ProtocolException Read(string hex, int maxFrameSize)
    {
        var message = new ReadOnlySequence<byte>(Convert.FromHexString(hex));
        return Assert.Throws<ProtocolException>(() => FrameReader.TryReadFrame(ref message, maxFrameSize, out _));
    }
}
