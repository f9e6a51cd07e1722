using System.Buffers;
using RxStreams.Protocol;
using RxStreams.Testing;

namespace RxStreams.Tests.Protocol;

/// <summary>
/// The hot path allocates nothing: reading NEXT, COMPLETE, CANCEL, REQUEST, PING and PONG, and writing NEXT.
/// Measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/> once warm (<see cref="Allocations.SteadyState"/>),
/// which is exact and involves no timing.
/// </summary>
public sealed class FrameAllocationTests
{
    [Fact]
    public void Reading_data_and_control_frames_allocates_nothing()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteNext(output, 1, new StreamOffset(1_700_000_000_000, 3), "{\"text\":\"hello\"}"u8);
        FrameWriter.WriteNext(output, 3, null, "{}"u8);
        FrameWriter.WriteComplete(output, 1);
        FrameWriter.WriteCancel(output, 5);
        FrameWriter.WriteRequest(output, 7, 64);
        FrameWriter.WritePing(output);
        FrameWriter.WritePong(output);
        var bytes = output.WrittenSpan.ToArray();
        var contiguous = new ReadOnlySequence<byte>(bytes);
        var segmented = Sequences.Split(bytes, 5, 11, bytes.Length - 3);

        var frames = ReadAll(contiguous) + ReadAll(segmented);
        Assert.Equal(14, frames);

        var runs = 0;
        var allocated = Allocations.SteadyState(() =>
        {
            runs++;
            for (var i = 0; i < 1000; i++)
            {
                frames += ReadAll(contiguous);
                frames += ReadAll(segmented);
            }
        });

        Assert.Equal(0, allocated);
        Assert.Equal(14 + (14 * 1000 * runs), frames);
    }

    [Fact]
    public void Writing_NEXT_allocates_nothing()
    {
        var output = new ArrayBufferWriter<byte>(64 * 1024);
        var payload = new byte[100];
        var allocated = Allocations.SteadyState(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                output.ResetWrittenCount();
                WriteAll(output, payload);
            }
        });

        Assert.Equal(0, allocated);
        Assert.Equal(FrameWriter.GetNextFrameLength(1, new StreamOffset(1_700_000_000_000, 3), 100) + FrameWriter.GetNextFrameLength(3, null, 100) + 3 + 3 + 4 + 2 + 2, output.WrittenCount);
    }

    private static void WriteAll(ArrayBufferWriter<byte> output, byte[] payload)
    {
        FrameWriter.WriteNext(output, 1, new StreamOffset(1_700_000_000_000, 3), payload);
        FrameWriter.WriteNext(output, 3, null, payload);
        FrameWriter.WriteComplete(output, 1);
        FrameWriter.WriteCancel(output, 1);
        FrameWriter.WriteRequest(output, 1, 16);
        FrameWriter.WritePing(output);
        FrameWriter.WritePong(output);
    }

    private static int ReadAll(ReadOnlySequence<byte> message)
    {
        var count = 0;
        while (FrameReader.TryReadFrame(ref message, ProtocolConstants.DefaultMaxFrameSize, out var frame))
        {
            count += frame.Type == 0 ? 0 : 1;
        }
        return count;
    }
}
