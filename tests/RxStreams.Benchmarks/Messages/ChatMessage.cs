namespace RxStreams.Benchmarks.Messages;

/// <summary>The design document's chat message.</summary>
public sealed record ChatMessage(string From, string Text, DateTimeOffset SentAt);
