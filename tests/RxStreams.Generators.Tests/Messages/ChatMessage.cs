namespace RxStreams.Generators.Tests.Messages;

/// <summary>The message of the design document's chat room.</summary>
public sealed record ChatMessage(string From, string Text, DateTimeOffset SentAt);
