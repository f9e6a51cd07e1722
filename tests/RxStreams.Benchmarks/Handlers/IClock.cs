namespace RxStreams.Benchmarks.Handlers;

/// <summary>A service the handlers take from DI.</summary>
public interface IClock
{
    DateTimeOffset Now { get; }
}
