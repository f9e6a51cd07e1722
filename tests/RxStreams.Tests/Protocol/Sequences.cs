using System.Buffers;

namespace RxStreams.Tests.Protocol;

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/>s, each segment its own array.</summary>
internal static class Sequences
{
    /// <summary>One segment holding <paramref name="data"/>.</summary>
    public static ReadOnlySequence<byte> Single(byte[] data) => new(data);

    /// <summary><paramref name="data"/> cut at the given ascending positions (0 and the length give empty segments).</summary>
    public static ReadOnlySequence<byte> Split(byte[] data, params int[] cuts)
    {
        var pieces = new List<byte[]>();
        var start = 0;
        foreach (var cut in cuts)
        {
            pieces.Add(data[start..cut]);
            start = cut;
        }
        pieces.Add(data[start..]);
        return FromPieces(pieces);
    }

    /// <summary>Every byte in a segment of its own.</summary>
    public static ReadOnlySequence<byte> Bytewise(byte[] data)
        => data.Length == 0 ? ReadOnlySequence<byte>.Empty : FromPieces(data.Select(b => new[] { b }).ToList());

    private static ReadOnlySequence<byte> FromPieces(List<byte[]> pieces)
    {
        var first = new Segment(pieces[0], 0);
        var last = first;
        for (var i = 1; i < pieces.Count; i++)
        {
            last = last.Append(pieces[i]);
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
