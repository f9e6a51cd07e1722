namespace RxStreams.Fuzzing.Oracle;

/// <summary>The fuzz routes (Host/FuzzHandlers.cs), as the model knows them.</summary>
public enum RouteKind
{
    /// <summary>fuzz/count/{n:int}: subscription, n items then COMPLETE, synchronously.</summary>
    Count,

    /// <summary>fuzz/echo/{n:int}: duplex, one answer per input item, COMPLETE when the input completes.</summary>
    Echo,

    /// <summary>fuzz/add: request/response.</summary>
    Add,

    /// <summary>fuzz/fire: fire-and-forget.</summary>
    Fire,

    /// <summary>fuzz/never: subscription that sends nothing.</summary>
    Never,

    /// <summary>fuzz/unread: duplex that never reads its input.</summary>
    Unread,

    /// <summary>A route whose answer depends on timing or shared state (flood, feeds, hosted servers): not predicted.</summary>
    Unpredictable,
}
