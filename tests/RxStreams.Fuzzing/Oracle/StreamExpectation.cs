namespace RxStreams.Fuzzing.Oracle;

/// <summary>What one stream of a sequence must receive.</summary>
public sealed class StreamExpectation(uint relativeId, string route)
{
    public uint RelativeId => relativeId;

    public string Route => route;

    /// <summary>The events in order (NEXT payloads, then COMPLETE or ERROR when the stream ends).</summary>
    public List<StreamEvent> Events { get; } = [];

    /// <summary>
    /// The client cancelled the stream (or the connection ended): what arrives is a prefix of <see cref="Events"/>
    /// (frames in flight may or may not come), and nothing else.
    /// </summary>
    public bool PrefixOnly { get; set; }

    /// <summary>
    /// The handler answers from a task (request/response, fire-and-forget): its frames may come after the PONG that
    /// fences the sequence. Every other fuzz route answers synchronously while the server dispatches the frame.
    /// </summary>
    public bool Asynchronous { get; set; }

    /// <summary>The stream is still live at the end of the sequence (the runner cancels it before the next one).</summary>
    public bool LiveAtEnd { get; set; }

    public override string ToString() => $"stream {relativeId} \"{route}\": [{string.Join(", ", Events)}]{(PrefixOnly ? " (or a prefix)" : "")}{(LiveAtEnd ? " (still live)" : "")}";
}
