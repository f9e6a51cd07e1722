namespace RxStreams.LoadTests.Load;

/// <summary>
/// The rooms workload's publishing side: message <c>seq</c> goes out through publisher <c>seq mod n</c> (one member of
/// each room), so every room publishes in turn, each from its own connection, as the members of a chat's rooms do.
/// </summary>
internal sealed class RoundRobinPublisher(IReadOnlyList<IPublisher> publishers) : IPublisher
{
    public ValueTask PublishAsync(long seq, long t) => publishers[(int)(seq % publishers.Count)].PublishAsync(seq, t);
}
