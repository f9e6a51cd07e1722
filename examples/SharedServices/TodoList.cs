namespace SharedServices;

/// <summary>
/// A shared to-do list, a realtime model (<c>hub.Model&lt;TodoList&gt;</c>): items by id, so that ticking one item
/// changes one member and the change on the wire is a few bytes (a JSON merge patch), not the whole list.
/// </summary>
public sealed record TodoList(Dictionary<string, TodoItem>? Items)
{
    /// <summary>The most items a list holds.</summary>
    public const int MaxItems = 200;

    /// <summary>An empty list.</summary>
    public static TodoList Empty => new(new Dictionary<string, TodoItem>());
}

/// <summary>One item: its text, whether it is done, and its place in the list (the order it was added).</summary>
public sealed record TodoItem(string Text, bool Done, long Order);

/// <summary>
/// A change a browser asks for: add an item (<see cref="Add"/>), tick or untick one (<see cref="Id"/> and
/// <see cref="Done"/>), or remove one (<see cref="Id"/> and <see cref="Remove"/>).
/// </summary>
public sealed record TodoEdit(string? Add, string? Id, bool? Done, bool Remove);
