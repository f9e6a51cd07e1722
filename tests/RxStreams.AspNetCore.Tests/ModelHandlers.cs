using System.Reactive.Linq;
using RxStreams.Models;

namespace RxStreams.AspNetCore.Tests;

public sealed record Notes(string? Topic, Dictionary<string, string>? Items);

public sealed record NoteEdit(string Key, string? Value);

/// <summary>A model handler: edits with a key of 1 to 20 characters are applied, others refused by the pipeline.</summary>
[StreamRoute("model/{name}")]
public sealed partial class NotesModelHandler(IStreamHub hub)
{
    public static IStreamModel<Notes> Model(IStreamHub hub, string name)
        => hub.Model($"notes:{name}", new StreamModelOptions<Notes> { Initial = new Notes(null, []), HistoryLength = 5 });

    public ModelStream<Notes> Edit(string name, IObservable<ModelEdit<NoteEdit>> edits, StreamContext context)
        => Model(hub, name).Serve(
            context,
            edits.Select(e => e.Value.Key.Length is > 0 and <= 20 ? e : e.Refuse("A key has 1 to 20 characters.")),
            Apply);

    public static Notes Apply(Notes notes, NoteEdit edit)
    {
        var items = new Dictionary<string, string>(notes.Items ?? []);
        if (edit.Value is null)
        {
            items.Remove(edit.Key);
        }
        else
        {
            items[edit.Key] = edit.Value;
        }
        return notes with { Items = items };
    }
}
