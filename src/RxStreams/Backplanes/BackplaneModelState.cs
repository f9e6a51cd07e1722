namespace RxStreams.Backplanes;

/// <summary>
/// The stored state of a model (see <see cref="StreamBackplane.ReadModelAsync"/>): its version, its serialized state,
/// and the offset, in the model's change channel, of the change that made this version.
/// </summary>
/// <param name="Version">The version: 0 while the model was never written, then one more per change.</param>
/// <param name="State">The state as UTF-8 JSON; empty while <paramref name="Version"/> is 0.</param>
/// <param name="Offset">
/// The offset of the change that made <paramref name="Version"/> in the change channel (<see cref="StreamOffset.Start"/>
/// while the version is 0): reading the channel from it gives the changes after this version.
/// </param>
public readonly record struct BackplaneModelState(long Version, ReadOnlyMemory<byte> State, StreamOffset Offset);
