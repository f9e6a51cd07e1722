namespace RxStreams.Generators.Tests.Messages;

/// <summary>Used by no handler: it gets a serializer, registered by the module initializer, through [StreamMessage] only.</summary>
[StreamMessage]
public sealed record Standalone(string Name);
