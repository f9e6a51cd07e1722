namespace RxStreams.Fuzzing.Wire;

/// <summary>One WebSocket message of a sequence: its frames, sent as one binary (or text) message in one or more WebSocket fragments.</summary>
public sealed record FuzzMessage(MessageKind Kind, IReadOnlyList<FuzzPart> Parts, int Fragments = 1)
{
    public RenderedMessage Render(uint idBase)
    {
        var bytes = new List<byte>();
        foreach (var part in Parts)
        {
            bytes.AddRange(part.Render(idBase));
        }
        return new RenderedMessage(Kind, [.. bytes], Fragments);
    }

    public override string ToString()
        => (Kind == MessageKind.Text ? "text message: " : "message: ") + string.Join(" + ", Parts) + (Fragments > 1 ? $" (in {Fragments} fragments)" : "");
}

/// <summary>A message's bytes as they go on the wire.</summary>
public sealed record RenderedMessage(MessageKind Kind, byte[] Bytes, int Fragments = 1);
