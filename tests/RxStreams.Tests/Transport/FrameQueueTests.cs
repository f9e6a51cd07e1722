using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;
using RxStreams.Protocol;
using RxStreams.Testing;
using RxStreams.Transport;

namespace RxStreams.Tests.Transport;

/// <summary>
/// The outbound queue over a real WebSocket (the framework's, on in-memory pipes): the client side reads only when
/// the test says so, so a send that cannot complete is a fact of the test, not a race.
/// </summary>
public sealed class FrameQueueTests
{
    [Fact]
    public async Task Discarding_drops_what_is_queued_keeps_counting_what_is_being_sent_and_sends_the_last_frame()
    {
        // The server's writes block once 1 KiB is unread.
        var toClient = new Pipe(new PipeOptions(pauseWriterThreshold: 1024, resumeWriterThreshold: 512));
        var toServer = new Pipe();
        using var server = WebSocket.CreateFromStream(new DuplexStream(toServer.Reader.AsStream(), toClient.Writer.AsStream()),
            new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        using var client = WebSocket.CreateFromStream(new DuplexStream(toClient.Reader.AsStream(), toServer.Writer.AsStream()),
            new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        var queue = new FrameQueue(server, 64 * 1024);
        var run = queue.RunAsync(CancellationToken.None);

        var payload = new byte[8_000];
        Assert.True(queue.EnqueueSharedNext(1, null, payload));
        var frame = queue.PendingBytes;
        // The writer took the frame and is stuck sending it: bytes reached the pipe, and nobody reads them.
        var peek = await toClient.Reader.ReadAsync();
        Assert.False(peek.Buffer.IsEmpty);
        toClient.Reader.AdvanceTo(peek.Buffer.Start);

        Assert.True(queue.EnqueueSharedNext(2, null, payload));
        Assert.True(queue.EnqueueSharedNext(3, null, payload));
        Assert.Equal(3 * frame, queue.PendingBytes);
        var error = new ArrayBufferWriter<byte>();
        FrameWriter.WriteError(error, 0, StreamErrorCodes.SlowConsumer, "too slow");
        queue.DiscardAndEnqueueLast(0, static (output, _) => FrameWriter.WriteError(output, 0, StreamErrorCodes.SlowConsumer, "too slow"));

        // The two queued frames are gone; the one being sent is still held (and counted) until its send completes.
        Assert.Equal(frame + error.WrittenCount, queue.PendingBytes);
        Assert.False(queue.EnqueueSharedNext(4, null, payload), "nothing is accepted after the last frame");

        var received = new List<byte[]>();
        var buffer = new byte[64 * 1024];
        while (received.Sum(m => m.Length) < frame + error.WrittenCount)
        {
            var message = new MemoryStream();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await client.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);
            received.Add(message.ToArray());
        }
        await Wait.ForAsync(run, "the queue's loop ends after the last frame");
        Assert.Equal([frame, error.WrittenCount], received.Select(m => (long)m.Length));
        Assert.Equal(error.WrittenSpan.ToArray(), received[1]);
        Assert.Equal(0, queue.PendingBytes);
        Assert.Equal(2, queue.FramesSent);
    }

    [Fact]
    public void An_ended_stream_gets_no_more_next_frames_and_its_last_queued_offset_is_the_last_it_sent()
    {
        // The fast path of a fan-out checks nothing of the stream's own before queuing: the queue's lock decides.
        var toClient = new Pipe();
        var toServer = new Pipe();
        using var server = WebSocket.CreateFromStream(new DuplexStream(toServer.Reader.AsStream(), toClient.Writer.AsStream()),
            new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        var queue = new FrameQueue(server, 64 * 1024);
        var stream = new TestStream();
        var other = new TestStream();
        byte[] payload = [(byte)'1'];
        var first = new StreamOffset(10, 0);
        var second = new StreamOffset(10, 1);

        Assert.True(queue.EnqueueSharedNext(1, first, payload, FrameWriter.GetNextFrameLength(1, first, 1), stream));
        Assert.True(queue.Enqueue(second, static (w, o) => FrameWriter.WriteNext(w, 1, o, "1"u8), stream, second));
        Assert.Equal(second, queue.LastQueuedOffset(stream));
        Assert.True(queue.EnqueueSharedNext(3, null, payload, FrameWriter.GetNextFrameLength(3, null, 1), other));
        Assert.Null(queue.LastQueuedOffset(other));

        queue.EndStream(stream);
        var pending = queue.PendingBytes;
        var third = new StreamOffset(11, 0);
        Assert.False(queue.EnqueueSharedNext(1, third, payload, FrameWriter.GetNextFrameLength(1, third, 1), stream), "a shared NEXT after the end");
        Assert.False(queue.Enqueue(0, static (w, _) => FrameWriter.WriteNext(w, 1, null, "2"u8), stream, third), "a staged NEXT after the end");
        Assert.Equal(pending, queue.PendingBytes);
        Assert.Equal(second, queue.LastQueuedOffset(stream));
        // The connection's other frames and streams are not concerned.
        Assert.True(queue.EnqueueSharedNext(3, null, payload, FrameWriter.GetNextFrameLength(3, null, 1), other));
        Assert.True(queue.Enqueue(1u, static (w, id) => FrameWriter.WriteComplete(w, id)));
    }

    private sealed class TestStream : OutboundStream;

    /// <summary>One stream over two: reads from one pipe, writes to the other.</summary>
    private sealed class DuplexStream(Stream input, Stream output) : Stream
    {
        public override bool CanRead => true;

        public override bool CanWrite => true;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => input.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => input.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => input.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => output.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => output.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => output.WriteAsync(buffer, offset, count, cancellationToken);

        public override void Flush() => output.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => output.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                input.Dispose();
                output.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
