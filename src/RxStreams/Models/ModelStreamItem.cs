namespace RxStreams.Models;

/// <summary>One item of a model stream on the wire: its UTF-8 JSON (see <see cref="ModelWire"/>) and its offset, if resumable.</summary>
internal readonly record struct ModelStreamItem(ReadOnlyMemory<byte> Payload, StreamOffset? Offset);
