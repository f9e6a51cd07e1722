using BenchmarkDotNet.Attributes;
using RxStreams.Backplanes.InMemory;
using RxStreams.Benchmarks.Messages;
using RxStreams.Channels;
using RxStreams.Models;
using RxStreams.Serialization;

namespace RxStreams.Benchmarks;

/// <summary>
/// A realtime model's cost per change: the merge patch of a one-field change to a 10 KB state (diffed from the two
/// serialized states), and a whole update on the in-memory backplane (read, apply, serialize, diff, compare-and-set).
/// The setup prints the bytes: the state against the change item that goes on the wire.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ModelBenchmarks
{
    private Board _board = null!;
    private byte[] _before = null!;
    private byte[] _after = null!;
    private IStreamModel<Board> _model = null!;
    private int _n;

    [GlobalSetup]
    public void Setup()
    {
        var cards = new Dictionary<string, Card>();
        for (var i = 0; i < 100; i++)
        {
            cards[$"card-{i:000}"] = new Card($"Card {i}", new string((char)('a' + i % 26), 60), i % 3 == 0);
        }
        _board = new Board("Sprint 42", cards);
        var serializer = StreamSerializer.Get<Board>();
        _before = StreamSerializer.SerializeToArray(serializer, _board);
        _after = StreamSerializer.SerializeToArray(serializer, _board with { Cards = new(cards) { ["card-050"] = cards["card-050"] with { Done = true } } });
        var patch = JsonMergePatch.Diff(_before, _after)!;
        var item = ModelWire.Change(2, patch);
        Console.WriteLine($"// state {_before.Length} bytes; patch {patch.Length} bytes; change item on the wire {item.Length} bytes: {System.Text.Encoding.UTF8.GetString(item)}");
        _model = new StreamHub(new InMemoryBackplane()).Model("bench", new StreamModelOptions<Board> { Initial = _board, HistoryLength = 16 });
    }

    [Benchmark]
    public int Diff_one_field_of_10_KB() => JsonMergePatch.Diff(_before, _after)!.Length;

    [Benchmark]
    public long Update_one_field_in_memory()
    {
        var done = (_n++ & 1) == 0;
        return _model.UpdateAsync(b => b with { Cards = new(b.Cards) { ["card-050"] = b.Cards["card-050"] with { Done = done } } }).AsTask().GetAwaiter().GetResult().Version;
    }
}
