using System.Reactive.Linq;
using RxStreams;
using RxStreams.Models;

namespace SharedServices;

/// <summary>
/// <c>todo/{list}</c>: a shared to-do list. Browsers get the list, then only its changes; their edits go through the
/// validation below and are applied with compare-and-set, so edits from browsers on different nodes at the same
/// moment are all kept.
/// </summary>
[StreamRoute("todo/{list}")]
public sealed partial class TodoHandler(IStreamHub hub)
{
    /// <summary>The longest item text.</summary>
    public const int MaxTextLength = 200;

    private static readonly StreamModelOptions<TodoList> Options = new() { Initial = TodoList.Empty, HistoryLength = 128 };

    /// <summary>The model behind a list.</summary>
    public static IStreamModel<TodoList> Model(IStreamHub hub, string list) => hub.Model("todo:" + list, Options);

    public ModelStream<TodoList> Edit(string list, IObservable<ModelEdit<TodoEdit>> edits, StreamContext context)
        => Model(hub, list).Serve(
            context,
            edits.Select(e => Validate(e.Value) is { } reason ? e.Refuse(reason) : e.With(e.Value with { Add = e.Value.Add?.Trim() })),
            Apply);

    /// <summary>Why an edit is refused, or null.</summary>
    public static string? Validate(TodoEdit edit) => edit switch
    {
        { Add: { } text } when string.IsNullOrWhiteSpace(text) => "An item needs some text.",
        { Add: { Length: > MaxTextLength } } => $"An item is at most {MaxTextLength} characters.",
        { Add: null, Id: null or "" } => "Say which item.",
        { Add: null, Done: null, Remove: false } => "The edit changes nothing.",
        _ => null,
    };

    /// <summary>The list after an edit (pure: it runs again when another browser changed the list first).</summary>
    public static TodoList Apply(TodoList list, TodoEdit edit)
    {
        var items = new Dictionary<string, TodoItem>(list.Items ?? []);
        if (edit.Add is { } text)
        {
            if (items.Count >= TodoList.MaxItems)
            {
                throw new ModelEditRefusedException($"A list holds at most {TodoList.MaxItems} items.");
            }
            var order = items.Count == 0 ? 1 : items.Values.Max(i => i.Order) + 1;
            items["i" + order] = new TodoItem(text, false, order);
        }
        else if (edit.Id is { } id)
        {
            if (!items.TryGetValue(id, out var item))
            {
                throw new ModelEditRefusedException("That item is no longer on the list.");
            }
            if (edit.Remove)
            {
                items.Remove(id);
            }
            else if (edit.Done is { } done)
            {
                items[id] = item with { Done = done };
            }
        }
        return list with { Items = items };
    }
}
