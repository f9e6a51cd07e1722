using System.Reactive;
using BenchmarkDotNet.Attributes;
using RxStreams.Backplanes.InMemory;
using RxStreams.Benchmarks.Messages;
using RxStreams.Channels;

namespace RxStreams.Benchmarks;

/// <summary>
/// One subscriber joining and leaving a channel's live feed (the hub's public path: Subscribe, then Dispose) while
/// <see cref="Subscribers"/> others stay subscribed. Flat across the parameter means joining is O(1).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class SubscribeBenchmarks
{
    private readonly List<IDisposable> _others = [];
    private IStreamChannel<ChatMessage> _channel = null!;

    [Params(10, 1_000, 100_000)]
    public int Subscribers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var hub = new StreamHub(new InMemoryBackplane());
        _channel = hub.Channel<ChatMessage>("lobby");
        for (var i = 0; i < Subscribers; i++)
        {
            _others.Add(_channel.Subscribe(Observer.Create<StreamItem<ChatMessage>>(_ => { })));
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var subscription in _others)
        {
            subscription.Dispose();
        }
    }

    [Benchmark]
    public void JoinAndLeave() => _channel.Subscribe(Observer.Create<StreamItem<ChatMessage>>(static _ => { })).Dispose();
}
