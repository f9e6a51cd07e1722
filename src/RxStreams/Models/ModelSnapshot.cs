namespace RxStreams.Models;

/// <summary>A model's whole state at one version.</summary>
/// <typeparam name="TState">The state type.</typeparam>
/// <param name="State">The state.</param>
/// <param name="Version">Its version: 0 for the initial state (never written), then one more per change.</param>
public readonly record struct ModelSnapshot<TState>(TState State, long Version);
