using System.Collections.Immutable;
using System.Text;
using RxStreams.Channels;
using RxStreams.Models;
using RxStreams.Serialization;
using Xunit.Abstractions;

namespace RxStreams.Tests.Models;

/// <summary>
/// What one change costs on the wire (docs/benchmarks.md, "Realtime models"): a one-field change to a 10 KB state is a
/// merge patch of a few bytes, against the whole state a snapshot would send. Bytes are exact, so they are asserted.
/// </summary>
public sealed class PatchSizeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_one_field_change_to_a_10_KB_state_sends_a_few_bytes_instead_of_the_state()
    {
        BoardSerializer.EnsureRegistered();
        var items = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        for (var i = 0; items.Count < 100; i++)
        {
            items[$"card-{i:000}"] = $"Card {i:000}: " + new string((char)('a' + i % 26), 80);
        }
        var board = new Board("Sprint 42", items.ToImmutable());
        var hub = new StreamHub(new RxStreams.Backplanes.InMemory.InMemoryBackplane());
        var model = hub.Model("size", new StreamModelOptions<Board> { Initial = board });
        var wire = new List<(string Json, int Bytes)>();
        using var subscription = ((StreamModel<Board>)model).Stream(new StreamContext()).Items
            .Subscribe(i => wire.Add((Encoding.UTF8.GetString(i.Payload.Span), i.Payload.Length)));

        await model.UpdateAsync(b => b with { Topic = "Sprint 43" });                 // one field at the top
        await model.UpdateAsync(b => b.With("card-050", b.Items["card-050"] + "!"));   // one field in the middle

        await Testing.Wait.UntilAsync(() => wire.Count == 3, "the snapshot and two changes");
        var state = StreamSerializer.SerializeToArray(BoardSerializer.Instance, board).Length;
        output.WriteLine($"state JSON: {state} bytes; snapshot item: {wire[0].Bytes} bytes");
        output.WriteLine($"topic change: {wire[1].Bytes} bytes: {wire[1].Json}");
        output.WriteLine($"card change: {wire[2].Bytes} bytes ({wire[2].Json.Length} characters, most of them the card's new text)");
        Assert.InRange(state, 10_000, 11_000);
        Assert.Equal("""{"v":1,"p":{"topic":"Sprint 43"}}""", wire[1].Json);
        Assert.Equal(33, wire[1].Bytes);
        Assert.StartsWith("""{"v":2,"p":{"items":{"card-050":"Card 050: """, wire[2].Json, StringComparison.Ordinal);
        Assert.True(wire[2].Bytes < 150, $"{wire[2].Bytes} bytes");
    }
}
