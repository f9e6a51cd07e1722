namespace RxStreams.Benchmarks.Messages;

/// <summary>A model state of about 10 KB: a topic and 100 cards (ModelBenchmarks).</summary>
[StreamMessage]
public sealed record Board(string Topic, Dictionary<string, Card> Cards);

/// <summary>A card of <see cref="Board"/>.</summary>
public sealed record Card(string Title, string Notes, bool Done);
