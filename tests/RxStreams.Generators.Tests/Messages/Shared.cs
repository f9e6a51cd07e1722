namespace RxStreams.Generators.Tests.Messages;

/// <summary>Used by no handler: it gets a serializer through [StreamMessage] only.</summary>
[StreamMessage]
public sealed record Shared(string Value, int Count = 7);
