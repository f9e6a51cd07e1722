namespace RxStreams.Generators.Model;

/// <summary>One route of the router: its template and the endpoint class serving it.</summary>
internal sealed record RouteModel(RouteTemplate Template, string EndpointType);
