namespace RxStreams.Fuzzing.Wire;

/// <summary>
/// One frame (valid or mutated) of a fuzz message. Stream ids in it are relative to the sequence: rendering adds the
/// connection's id base, so many sequences can share one connection (ids only ever grow). Rendering is a pure function
/// of the base: a mutation draws from its own seeded random.
/// </summary>
/// <param name="Description">What the frame is, for reports (e.g. <c>OPEN 3 "fuzz/count/5" credits=2</c>).</param>
/// <param name="Render">The frame's bytes, length prefix included, for an id base.</param>
public sealed record FuzzPart(string Description, Func<uint, byte[]> Render)
{
    public override string ToString() => Description;
}
