using RxStreams;

namespace Chat.Model;

/// <summary>The last offset a user has seen in a channel, kept on a channel of its own (<see cref="Channels.Read"/>).</summary>
[StreamMessage]
public sealed record ReadPosition(string Offset);
