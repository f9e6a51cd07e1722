namespace RxStreams.Generators.Model;

/// <summary>How a property gets its value when a message is read.</summary>
internal enum PropertyReadKind
{
    /// <summary>Not read (no accessible setter and no constructor parameter): written only.</summary>
    None,

    /// <summary>Through the constructor parameter of the same name.</summary>
    Constructor,

    /// <summary>Assigned after construction, only when the JSON has it.</summary>
    Setter,

    /// <summary>An init-only property, set through an UnsafeAccessor only when the JSON has it.</summary>
    Init,

    /// <summary>A required (or init-only, where UnsafeAccessor is unavailable) property: always set in the object initializer.</summary>
    Initializer,
}
