namespace RxStreams.LoadTests.Servers;

/// <summary>What a server under test counts for the load generator (read through /stats).</summary>
internal static class ServerCounters
{
    private static int s_subscribers;

    /// <summary>Broadcast subscriptions open now (streams, group members or raw subscribers).</summary>
    public static int Subscribers => Volatile.Read(ref s_subscribers);

    public static void Subscribed() => Interlocked.Increment(ref s_subscribers);

    public static void Unsubscribed() => Interlocked.Decrement(ref s_subscribers);
}

/// <summary>
/// Passes subscriptions straight through to <paramref name="inner"/> (the observer is not wrapped, so deliveries cost
/// nothing extra) and counts them.
/// </summary>
internal sealed class CountedObservable<T>(IObservable<T> inner) : IObservable<T>
{
    public IDisposable Subscribe(IObserver<T> observer)
    {
        var subscription = inner.Subscribe(observer);
        ServerCounters.Subscribed();
        return new Subscription(subscription);
    }

    private sealed class Subscription(IDisposable inner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                inner.Dispose();
                ServerCounters.Unsubscribed();
            }
        }
    }
}
