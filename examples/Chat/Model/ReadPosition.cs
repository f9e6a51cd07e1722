using RxStreams;

namespace Chat.Model;

/// <summary>A user's last-read offset in a channel, kept on the user's durable "reads" channel.</summary>
[StreamMessage]
public sealed record ReadPosition(string Channel, string Offset);
