namespace RxStreams.Generators.Tests.Messages;

/// <summary>A record with a constructor parameter default; also marked [StreamMessage] (Items.ByGuid uses it too).</summary>
[StreamMessage]
public sealed record Shared(string Value, int Count = 7);
