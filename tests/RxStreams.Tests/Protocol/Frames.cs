using System.Buffers;
using RxStreams.Protocol;

namespace RxStreams.Tests.Protocol;

/// <summary>Reads whole messages and compares frames, for the protocol tests.</summary>
internal static class Frames
{
    /// <summary>
    /// Decodes a whole WebSocket message as a receiver does: frames until the message is empty. A message with no frame
    /// is a protocol error (the receiver's rule, docs/protocol.md).
    /// </summary>
    public static List<Frame> ReadMessage(ReadOnlySequence<byte> message, int maxFrameSize = ProtocolConstants.DefaultMaxFrameSize)
    {
        if (message.IsEmpty)
        {
            throw new ProtocolException(StreamErrorCodes.ProtocolError, "An empty message.");
        }
        var frames = new List<Frame>();
        var guard = message.Length;
        while (FrameReader.TryReadFrame(ref message, maxFrameSize, out var frame))
        {
            frames.Add(frame);
            Assert.True(frames.Count <= guard, "TryReadFrame did not advance the message.");
        }
        return frames;
    }

    /// <summary>Writes frames one after the other with <see cref="FrameWriter.Write"/>.</summary>
    public static byte[] Write(IEnumerable<Frame> frames)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var frame in frames)
        {
            var before = output.WrittenCount;
            FrameWriter.Write(output, frame);
            Assert.Equal(FrameWriter.GetFrameLength(frame), output.WrittenCount - before);
        }
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Writes a frame with the writer method of its type (WriteHello, WriteNext …) rather than <see cref="FrameWriter.Write"/>.</summary>
    public static void WriteWithTypedMethod(IBufferWriter<byte> output, Frame frame)
    {
        var payload = frame.Payload.ToArray();
        switch (frame.Type)
        {
            case FrameType.Hello:
                FrameWriter.WriteHello(output, frame.Version, frame.SessionId!);
                break;
            case FrameType.Welcome:
                FrameWriter.WriteWelcome(output, frame.Version, frame.SessionId!, frame.Resumed, frame.KeepAliveMilliseconds, frame.MaxFrameSize);
                break;
            case FrameType.Open:
                FrameWriter.WriteOpen(output, frame.StreamId, frame.Route!, frame.Offset, frame.Credits, payload, frame.HasPayload);
                break;
            case FrameType.Next:
                Assert.Equal(FrameWriter.GetNextFrameLength(frame.StreamId, frame.Offset, payload.Length), FrameWriter.GetFrameLength(frame));
                FrameWriter.WriteNext(output, frame.StreamId, frame.Offset, payload);
                break;
            case FrameType.Complete:
                FrameWriter.WriteComplete(output, frame.StreamId);
                break;
            case FrameType.Error:
                FrameWriter.WriteError(output, frame.StreamId, frame.Code!, frame.Message!, frame.Offset);
                break;
            case FrameType.Cancel:
                FrameWriter.WriteCancel(output, frame.StreamId);
                break;
            case FrameType.Request:
                FrameWriter.WriteRequest(output, frame.StreamId, frame.Credits);
                break;
            case FrameType.Ping:
                FrameWriter.WritePing(output);
                break;
            case FrameType.Pong:
                FrameWriter.WritePong(output);
                break;
            default:
                throw new InvalidOperationException($"Unknown frame type {frame.Type}.");
        }
    }

    /// <summary>Asserts that two frames are equal in every property, payload bytes included.</summary>
    public static void AssertEqual(Frame expected, Frame actual, string context = "")
    {
        var where = context.Length == 0 ? "" : $" ({context})";
        Assert.True(expected.Type == actual.Type, $"Type: expected {expected.Type}, got {actual.Type}{where}");
        Check(expected.StreamId, actual.StreamId, nameof(Frame.StreamId));
        Check(expected.Offset, actual.Offset, nameof(Frame.Offset));
        Check(expected.HasPayload, actual.HasPayload, nameof(Frame.HasPayload));
        Assert.True(
            expected.Payload.ToArray().AsSpan().SequenceEqual(actual.Payload.ToArray()),
            $"Payload: expected {Convert.ToHexString(expected.Payload.ToArray())}, got {Convert.ToHexString(actual.Payload.ToArray())}{where}");
        Check(expected.Route, actual.Route, nameof(Frame.Route));
        Check(expected.Credits, actual.Credits, nameof(Frame.Credits));
        Check(expected.Code, actual.Code, nameof(Frame.Code));
        Check(expected.Message, actual.Message, nameof(Frame.Message));
        Check(expected.Version, actual.Version, nameof(Frame.Version));
        Check(expected.SessionId, actual.SessionId, nameof(Frame.SessionId));
        Check(expected.Resumed, actual.Resumed, nameof(Frame.Resumed));
        Check(expected.KeepAliveMilliseconds, actual.KeepAliveMilliseconds, nameof(Frame.KeepAliveMilliseconds));
        Check(expected.MaxFrameSize, actual.MaxFrameSize, nameof(Frame.MaxFrameSize));

        void Check<T>(T e, T a, string name)
            => Assert.True(EqualityComparer<T>.Default.Equals(e, a), $"{expected.Type} {name}: expected {e?.ToString() ?? "null"}, got {a?.ToString() ?? "null"}{where}");
    }
}
