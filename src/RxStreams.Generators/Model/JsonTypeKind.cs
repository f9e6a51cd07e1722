namespace RxStreams.Generators.Model;

/// <summary>How a type is written as JSON.</summary>
internal enum JsonTypeKind
{
    /// <summary>A value the reader and writer handle directly (numbers, strings, Guid …).</summary>
    Primitive,

    /// <summary>An enum: a string (its camelCase name), read from a name in any case or a number.</summary>
    Enum,

    /// <summary>A record, class or struct: an object, through its generated serializer.</summary>
    Object,

    /// <summary><c>Nullable&lt;T&gt;</c>.</summary>
    Nullable,

    /// <summary><c>T[]</c>.</summary>
    Array,

    /// <summary><c>List&lt;T&gt;</c>.</summary>
    List,

    /// <summary><c>IList&lt;T&gt;</c>, <c>IReadOnlyList&lt;T&gt;</c>: read as a List, written by index.</summary>
    ListInterface,

    /// <summary><c>IEnumerable&lt;T&gt;</c>, <c>ICollection&lt;T&gt;</c>, <c>IReadOnlyCollection&lt;T&gt;</c>: read as a List.</summary>
    EnumerableInterface,

    /// <summary><c>Dictionary&lt;string, T&gt;</c>.</summary>
    Dictionary,

    /// <summary><c>IDictionary&lt;string, T&gt;</c>, <c>IReadOnlyDictionary&lt;string, T&gt;</c>: read as a Dictionary.</summary>
    DictionaryInterface,
}
