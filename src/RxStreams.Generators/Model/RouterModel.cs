namespace RxStreams.Generators.Model;

/// <summary>The compilation's routes, in a deterministic order (duplicates removed).</summary>
internal sealed record RouterModel(EquatableArray<RouteModel> Routes);
