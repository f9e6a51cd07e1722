namespace RxStreams.Fuzzing.Oracle;

/// <summary>One thing a stream gets from the server: a NEXT (its payload), COMPLETE, or ERROR (its code).</summary>
public sealed record StreamEvent(StreamEventKind Kind, string Text)
{
    public static StreamEvent Next(string payload) => new(StreamEventKind.Next, payload);

    public static readonly StreamEvent Complete = new(StreamEventKind.Complete, "");

    public static StreamEvent Error(string code) => new(StreamEventKind.Error, code);

    public bool IsTerminal => Kind != StreamEventKind.Next;

    public override string ToString() => Kind switch
    {
        StreamEventKind.Next => "NEXT " + (Text.Length <= 60 ? Text : Text[..60] + "…"),
        StreamEventKind.Complete => "COMPLETE",
        _ => "ERROR " + Text,
    };
}

public enum StreamEventKind
{
    Next,
    Complete,
    Error,
}
