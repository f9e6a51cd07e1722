namespace RxStreams.Generators.Model;

/// <summary>The compilation's routes in match order (<see cref="RouteModel.CompareMatchOrder"/>), one per shape.</summary>
internal sealed record RouterModel(EquatableArray<RouteModel> Routes);
