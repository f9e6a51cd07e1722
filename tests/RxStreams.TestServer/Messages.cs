using RxStreams;

namespace RxStreams.TestServer;

[StreamMessage]
public sealed record Tick(int N, string Node = "");

[StreamMessage]
public sealed record Job(int N);

/// <summary>What a node's worker reports once it acknowledged a job.</summary>
[StreamMessage]
public sealed record Done(int N, string Node, int DeliveryCount);

/// <summary>The state of the counter model: its count and the node that last changed it.</summary>
[StreamMessage]
public sealed record Counter(int Count, string? Node);

/// <summary>An edit of the counter model.</summary>
[StreamMessage]
public sealed record AddToCounter(int N);
