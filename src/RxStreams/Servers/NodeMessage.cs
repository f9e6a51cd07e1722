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
    public static byte[] Open(string proxyId, string replyNode, string name) => Write(NodeMessageKind.Open, proxyId, default, replyNode, name);

    public static byte[] Simple(NodeMessageKind kind, string proxyId, ReadOnlySpan<byte> payload = default) => Write(kind, proxyId, payload);

    public static byte[] Error(string proxyId, string code, string message) => Write(NodeMessageKind.ToCallerError, proxyId, default, code, message);

    /// <summary>Writes the message into one array of its exact size (once per proxied item: no growing buffer, no second copy).</summary>
    private static byte[] Write(NodeMessageKind kind, string proxyId, ReadOnlySpan<byte> payload, params ReadOnlySpan<string> fields)
    {
        var length = 1 + StringLength(proxyId) + payload.Length;
        foreach (var field in fields)
        {
            length += StringLength(field);
        }
        var message = new byte[length];
        message[0] = (byte)kind;
        var index = 1;
        WriteString(message, ref index, proxyId);
        foreach (var field in fields)
        {
            WriteString(message, ref index, field);
        }
        payload.CopyTo(message.AsSpan(index));
        return message;
    }

    private static int StringLength(string value)
    {
        var bytes = Encoding.UTF8.GetByteCount(value);
        return Varint.Length((ulong)bytes) + bytes;
    }

    private static void WriteString(Span<byte> destination, ref int index, string value)
    {
        Varint.Write(destination, ref index, (ulong)Encoding.UTF8.GetByteCount(value));
        index += Encoding.UTF8.GetBytes(value, destination[index..]);
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
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(message));
        reader.Advance(1);
        string node = "", name = "", code = "", text = "";
        var read = TryReadString(ref reader, out var proxyId) && kind switch
        {
            NodeMessageKind.Open => TryReadString(ref reader, out node) && TryReadString(ref reader, out name),
            NodeMessageKind.ToCallerError => TryReadString(ref reader, out code) && TryReadString(ref reader, out text),
            _ => true,
        };
        if (!read)
        {
            return false;
        }
        result = new NodeMessage(kind, proxyId, node, name, code, text, message[(int)reader.Consumed..]);
        return true;
    }

    private static bool TryReadString(ref SequenceReader<byte> reader, out string value)
    {
        value = "";
        if (Varint.TryRead(ref reader, Varint.MaxLength32, out var length) != VarintStatus.Ok || (ulong)reader.Remaining < length)
        {
            return false;
        }
        value = Encoding.UTF8.GetString(reader.UnreadSpan[..(int)length]);
        reader.Advance((long)length);
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
