using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace RxStreams.Protocol;

/// <summary>
/// Parses the frames of a WebSocket message (docs/protocol.md). A message is one or more frames, each prefixed by its
/// length: <c>(varint frameLength, frame)+</c>.
/// </summary>
/// <remarks>
/// Parsing allocates nothing except the strings of HELLO, WELCOME, OPEN and ERROR frames; payloads are slices of
/// the input. The input may be split into segments anywhere.
/// </remarks>
public static class FrameReader
{
    /// <summary>
    /// Reads the next frame of a WebSocket message and advances <paramref name="message"/> past it.
    /// </summary>
    /// <param name="message">
    /// The rest of the message: the whole message on the first call, what the previous call left after. On success it
    /// is advanced past the frame read.
    /// </param>
    /// <param name="maxFrameSize">
    /// The largest WebSocket message allowed (the connection's maximum frame size, <see cref="ProtocolConstants.DefaultMaxFrameSize"/>
    /// by default). A message longer than this, or a frame whose length prefix and body would be, is refused with
    /// <see cref="StreamErrorCodes.FrameTooLarge"/>.
    /// </param>
    /// <param name="frame">The frame read; its <see cref="Frame.Payload"/> slices <paramref name="message"/>.</param>
    /// <returns>True when a frame was read; false when <paramref name="message"/> is empty (the message is done).</returns>
    /// <exception cref="ProtocolException">
    /// The bytes are not a valid frame: bad or overlong varint, truncated field, trailing bytes, invalid UTF-8, unknown
    /// type or flag, stream id 0 where one is required, REQUEST of 0, frame over <paramref name="maxFrameSize"/>, …
    /// No other exception is thrown for any input.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxFrameSize"/> is less than 1 (a programming error, not bad input).</exception>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> message, int maxFrameSize, out Frame frame)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameSize, 1);
        if (message.IsEmpty)
        {
            frame = default;
            return false;
        }
        if (message.Length > maxFrameSize)
        {
            throw new ProtocolException(
                StreamErrorCodes.FrameTooLarge,
                string.Create(CultureInfo.InvariantCulture, $"The message is {message.Length} bytes, more than the maximum frame size of {maxFrameSize} bytes."),
                -1);
        }

        var reader = new SequenceReader<byte>(message);
        var status = Varint.TryRead(ref reader, Varint.MaxLength32, out var frameLength);
        if (status != VarintStatus.Ok)
        {
            ThrowBadLengthPrefix(status);
        }
        var prefixLength = (int)reader.Consumed;
        if (prefixLength + (long)frameLength > maxFrameSize)
        {
            throw new ProtocolException(
                StreamErrorCodes.FrameTooLarge,
                string.Create(CultureInfo.InvariantCulture, $"The frame at byte 0 is {prefixLength + (long)frameLength} bytes with its length prefix, more than the maximum frame size of {maxFrameSize} bytes."),
                0);
        }
        if (frameLength == 0)
        {
            throw new ProtocolException(StreamErrorCodes.ProtocolError, "Zero-length frame at byte 0: a frame has at least its type byte.", 0);
        }
        if ((long)frameLength > reader.Remaining)
        {
            throw new ProtocolException(
                StreamErrorCodes.ProtocolError,
                string.Create(CultureInfo.InvariantCulture, $"The frame length prefix at byte 0 says {frameLength} bytes, but only {reader.Remaining} bytes follow in the message."),
                0);
        }

        var body = message.Slice(reader.Position, (long)frameLength);
        frame = Parse(body, prefixLength);
        message = message.Slice(body.End);
        return true;
    }

    private static Frame Parse(ReadOnlySequence<byte> body, int prefixLength)
    {
        var reader = new SequenceReader<byte>(body);
        _ = reader.TryRead(out var typeByte);
        var type = (FrameType)typeByte;
        var parser = new Parser(reader, prefixLength, type);
        switch (type)
        {
            case FrameType.Hello:
            {
                var version = parser.ReadU32("version");
                var sessionId = parser.ReadString("session id");
                parser.End();
                return new Frame { Type = type, Version = version, SessionId = sessionId };
            }
            case FrameType.Welcome:
            {
                var version = parser.ReadU32("version");
                var sessionId = parser.ReadString("session id");
                var flags = parser.ReadFlags(FrameFlags.WelcomeMask);
                var keepAlive = parser.ReadU32("keepalive interval");
                var maxFrameSize = parser.ReadU32("maximum frame size");
                parser.End();
                return new Frame
                {
                    Type = type,
                    Version = version,
                    SessionId = sessionId,
                    Resumed = (flags & FrameFlags.Resumed) != 0,
                    KeepAliveMilliseconds = keepAlive,
                    MaxFrameSize = maxFrameSize,
                };
            }
            case FrameType.Open:
            {
                var streamId = parser.ReadStreamId();
                var flags = parser.ReadFlags(FrameFlags.OpenMask);
                var route = parser.ReadString("route");
                StreamOffset? offset = (flags & FrameFlags.HasOffset) != 0 ? parser.ReadOffset() : null;
                var credits = parser.ReadU32("credits");
                var hasPayload = (flags & FrameFlags.HasPayload) != 0;
                ReadOnlySequence<byte> payload = default;
                if (hasPayload)
                {
                    payload = parser.Rest();
                }
                else
                {
                    parser.End();
                }
                return new Frame
                {
                    Type = type,
                    StreamId = streamId,
                    Route = route,
                    Offset = offset,
                    Credits = credits,
                    HasPayload = hasPayload,
                    Payload = payload,
                };
            }
            case FrameType.Next:
            {
                var streamId = parser.ReadStreamId();
                var flags = parser.ReadFlags(FrameFlags.NextMask);
                StreamOffset? offset = (flags & FrameFlags.HasOffset) != 0 ? parser.ReadOffset() : null;
                return new Frame { Type = type, StreamId = streamId, Offset = offset, HasPayload = true, Payload = parser.Rest() };
            }
            case FrameType.Complete or FrameType.Cancel:
            {
                var streamId = parser.ReadStreamId();
                parser.End();
                return new Frame { Type = type, StreamId = streamId };
            }
            case FrameType.Error:
            {
                var streamId = parser.ReadU32("stream id");
                var flags = parser.ReadFlags(FrameFlags.ErrorMask);
                var code = parser.ReadCode();
                var text = parser.ReadString("message");
                StreamOffset? offset = (flags & FrameFlags.HasOffset) != 0 ? parser.ReadOffset() : null;
                parser.End();
                return new Frame { Type = type, StreamId = streamId, Code = code, Message = text, Offset = offset };
            }
            case FrameType.Request:
            {
                var streamId = parser.ReadStreamId();
                var n = parser.ReadRequestCount();
                parser.End();
                return new Frame { Type = type, StreamId = streamId, Credits = n };
            }
            case FrameType.Ping or FrameType.Pong:
                parser.End();
                return new Frame { Type = type };
            default:
                throw new ProtocolException(
                    StreamErrorCodes.ProtocolError,
                    string.Create(CultureInfo.InvariantCulture, $"Unknown frame type 0x{typeByte:X2} at byte {prefixLength}."),
                    prefixLength);
        }
    }

    [DoesNotReturn]
    private static void ThrowBadLengthPrefix(VarintStatus status)
    {
        var problem = status switch
        {
            VarintStatus.Truncated => "the message ends inside it",
            VarintStatus.TooLong => "it is a varint longer than 5 bytes",
            VarintStatus.Overflow => "it is larger than 4294967295",
            _ => "it is a non-minimal (overlong) varint",
        };
        throw new ProtocolException(StreamErrorCodes.ProtocolError, $"Bad frame length prefix at byte 0: {problem}.", 0);
    }

    /// <summary>Reads the fields of one frame body; every failure throws a <see cref="ProtocolException"/> naming the field and its byte.</summary>
    private ref struct Parser
    {
        private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
        private const int StackStringLimit = 256;

        private SequenceReader<byte> _reader;
        private readonly int _prefixLength;
        private readonly FrameType _type;

        public Parser(SequenceReader<byte> reader, int prefixLength, FrameType type)
        {
            _reader = reader;
            _prefixLength = prefixLength;
            _type = type;
        }

        /// <summary>The position of the next unread byte, counted from the first byte of the length prefix.</summary>
        private readonly long Position => _prefixLength + _reader.Consumed;

        public uint ReadU32(string field) => (uint)ReadVarint(field, Varint.MaxLength32);

        public uint ReadStreamId()
        {
            var start = Position;
            var id = ReadU32("stream id");
            if (id == 0)
            {
                Fail(start, "the stream id is 0; only ERROR may use 0 (the connection)");
            }
            return id;
        }

        public uint ReadRequestCount()
        {
            var start = Position;
            var n = ReadU32("request count n");
            if (n == 0)
            {
                Fail(start, "the request count n is 0; it must be at least 1");
            }
            return n;
        }

        public byte ReadFlags(byte allowed)
        {
            var start = Position;
            if (!_reader.TryRead(out var flags))
            {
                Truncated(start, "flags");
            }
            if ((flags & ~allowed) != 0)
            {
                Fail(start, string.Create(CultureInfo.InvariantCulture, $"the flags byte 0x{flags:X2} sets unknown bits 0x{flags & ~allowed:X2}"));
            }
            return flags;
        }

        public StreamOffset ReadOffset()
        {
            var major = ReadVarint("offset major part", Varint.MaxLength64);
            var minor = ReadVarint("offset minor part", Varint.MaxLength64);
            return new StreamOffset(major, minor);
        }

        public string ReadString(string field)
        {
            var start = Position;
            var length = ReadU32(field + " length");
            if (length > _reader.Remaining)
            {
                Fail(start, string.Create(CultureInfo.InvariantCulture, $"the {field} is {length} bytes long but only {_reader.Remaining} bytes are left in the frame"));
            }
            if (length == 0)
            {
                return string.Empty;
            }
            var textStart = Position;
            var count = (int)length;
            string text;
            var unread = _reader.UnreadSpan;
            if (unread.Length >= count)
            {
                text = Decode(unread[..count], field, start, textStart);
            }
            else if (count <= StackStringLimit)
            {
                Span<byte> buffer = stackalloc byte[StackStringLimit];
                _ = _reader.TryCopyTo(buffer[..count]);
                text = Decode(buffer[..count], field, start, textStart);
            }
            else
            {
                var rented = ArrayPool<byte>.Shared.Rent(count);
                try
                {
                    _ = _reader.TryCopyTo(rented.AsSpan(0, count));
                    text = Decode(rented.AsSpan(0, count), field, start, textStart);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
            _reader.Advance(count);
            return text;
        }

        public string ReadCode()
        {
            var start = Position;
            var code = ReadString("error code");
            if (!ErrorCode.IsValid(code))
            {
                Fail(start, $"the error code \"{code}\" is not lower-case snake_case (a letter a-z, then a-z, 0-9 or _)");
            }
            return code;
        }

        /// <summary>The rest of the frame (a payload).</summary>
        public readonly ReadOnlySequence<byte> Rest() => _reader.UnreadSequence;

        /// <summary>Checks that the frame has been consumed exactly.</summary>
        public readonly void End()
        {
            if (!_reader.End)
            {
                Fail(Position, string.Create(CultureInfo.InvariantCulture, $"{_reader.Remaining} unexpected bytes after the last field"));
            }
        }

        private ulong ReadVarint(string field, int maxBytes)
        {
            var start = Position;
            var status = Varint.TryRead(ref _reader, maxBytes, out var value);
            switch (status)
            {
                case VarintStatus.Ok:
                    return value;
                case VarintStatus.Truncated:
                    Truncated(start, field);
                    break;
                case VarintStatus.TooLong:
                    Fail(start, string.Create(CultureInfo.InvariantCulture, $"the {field} is a varint longer than {maxBytes} bytes"));
                    break;
                case VarintStatus.Overflow:
                    Fail(start, maxBytes == Varint.MaxLength32 ? $"the {field} is larger than 4294967295" : $"the {field} does not fit in 64 bits");
                    break;
                default:
                    Fail(start, $"the {field} is a non-minimal (overlong) varint");
                    break;
            }
            return 0;
        }

        private readonly string Decode(ReadOnlySpan<byte> bytes, string field, long fieldStart, long textStart)
        {
            if (!Utf8.IsValid(bytes))
            {
                var index = 0;
                while (Rune.DecodeFromUtf8(bytes[index..], out _, out var consumed) == OperationStatus.Done)
                {
                    index += consumed;
                }
                Fail(fieldStart, string.Create(CultureInfo.InvariantCulture, $"the {field} is not valid UTF-8 (byte {textStart + index} is invalid)"));
            }
            return s_utf8.GetString(bytes);
        }

        [DoesNotReturn]
        private readonly void Truncated(long start, string field)
            => Fail(start, string.Create(CultureInfo.InvariantCulture, $"the frame ends inside the {field} (its length prefix says {_reader.Length} bytes)"));

        [DoesNotReturn]
        private readonly void Fail(long position, string problem)
            => throw new ProtocolException(
                StreamErrorCodes.ProtocolError,
                string.Create(CultureInfo.InvariantCulture, $"Malformed {Name(_type)} frame at byte {position}: {problem}."),
                position);

        private static string Name(FrameType type) => type switch
        {
            FrameType.Hello => "HELLO",
            FrameType.Welcome => "WELCOME",
            FrameType.Open => "OPEN",
            FrameType.Next => "NEXT",
            FrameType.Complete => "COMPLETE",
            FrameType.Error => "ERROR",
            FrameType.Cancel => "CANCEL",
            FrameType.Request => "REQUEST",
            FrameType.Ping => "PING",
            _ => "PONG",
        };
    }
}
