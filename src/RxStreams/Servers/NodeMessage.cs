using System.Buffers;
using System.Text;
using RxStreams.Protocol;

namespace RxStreams.Servers;

/// <summary>
/// What nodes tell each other about proxied streams, on each node's bus channel. One message: a kind byte, the
/// proxy id, then the kind's fields; the payload (JSON) is the rest of the message.
/// </summary>
internal readonly record struct NodeMessage(NodeMessageKind Kind, string ProxyId, string Node, string Name, string Code, string Message, ReadOnlyMemory<byte> Payload)
{
    public static byte[] Open(string proxyId, string replyNode, string name) => Write(NodeMessageKind.Open, proxyId, replyNode, name, "", "", default);

    public static byte[] Simple(NodeMessageKind kind, string proxyId, ReadOnlySpan<byte> payload = default) => Write(kind, proxyId, "", "", "", "", payload);

    public static byte[] Error(string proxyId, string code, string message) => Write(NodeMessageKind.ToCallerError, proxyId, "", "", code, message, default);

    private static byte[] Write(NodeMessageKind kind, string proxyId, string node, string name, string code, string message, ReadOnlySpan<byte> payload)
    {
        var buffer = new ArrayBufferWriter<byte>(32 + payload.Length);
        buffer.GetSpan(1)[0] = (byte)kind;
        buffer.Advance(1);
        WriteString(buffer, proxyId);
        switch (kind)
        {
            case NodeMessageKind.Open:
                WriteString(buffer, node);
                WriteString(buffer, name);
                break;
            case NodeMessageKind.ToCallerError:
                WriteString(buffer, code);
                WriteString(buffer, message);
                break;
        }
        buffer.Write(payload);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteString(ArrayBufferWriter<byte> buffer, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var span = buffer.GetSpan(Varint.MaxLength32 + length);
        var n = 0;
        Varint.Write(span, ref n, (ulong)length);
        n += Encoding.UTF8.GetBytes(value, span[n..]);
        buffer.Advance(n);
    }

    public static bool TryRead(ReadOnlyMemory<byte> message, out NodeMessage result)
    {
        result = default;
        var span = message.Span;
        if (span.IsEmpty || span[0] is 0 or > (byte)NodeMessageKind.ToCallerError)
        {
            return false;
        }
        var kind = (NodeMessageKind)span[0];
        var position = 1;
        if (!TryReadString(span, ref position, out var proxyId))
        {
            return false;
        }
        string node = "", name = "", code = "", text = "";
        switch (kind)
        {
            case NodeMessageKind.Open when !TryReadString(span, ref position, out node) || !TryReadString(span, ref position, out name):
            case NodeMessageKind.ToCallerError when !TryReadString(span, ref position, out code) || !TryReadString(span, ref position, out text):
                return false;
        }
        result = new NodeMessage(kind, proxyId, node, name, code, text, message[position..]);
        return true;
    }

    private static bool TryReadString(ReadOnlySpan<byte> span, ref int position, out string value)
    {
        value = "";
        uint length = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (position >= span.Length || shift > 28)
            {
                return false;
            }
            var b = span[position++];
            length |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                break;
            }
        }
        if ((uint)(span.Length - position) < length)
        {
            return false;
        }
        value = Encoding.UTF8.GetString(span.Slice(position, (int)length));
        position += (int)length;
        return true;
    }
}

internal enum NodeMessageKind : byte
{
    /// <summary>Caller node → host node: connect proxy id to the named server; answer to the reply node.</summary>
    Open = 1,

    /// <summary>Caller → host: an input item.</summary>
    ToHostNext,

    /// <summary>Caller → host: the input is finished.</summary>
    ToHostComplete,

    /// <summary>Caller → host: the caller went away.</summary>
    ToHostCancel,

    /// <summary>Host → caller: an answer item.</summary>
    ToCallerNext,

    /// <summary>Host → caller: the server completed.</summary>
    ToCallerComplete,

    /// <summary>Host → caller: the server failed, or is gone.</summary>
    ToCallerError,
}
