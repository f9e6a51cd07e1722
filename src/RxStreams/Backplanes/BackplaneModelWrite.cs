namespace RxStreams.Backplanes;

/// <summary>The outcome of <see cref="StreamBackplane.WriteModelAsync"/>.</summary>
/// <param name="Written">True when the expected version matched and the write happened.</param>
/// <param name="Current">
/// When written, the new state (its version, the state written, the offset of the change appended); when not, the
/// state the backplane holds now, so the writer can retry from it without another round trip.
/// </param>
public readonly record struct BackplaneModelWrite(bool Written, BackplaneModelState Current);
