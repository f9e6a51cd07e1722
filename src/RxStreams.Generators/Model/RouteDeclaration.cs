namespace RxStreams.Generators.Model;

/// <summary>A route as declared, with where its template is (for the duplicate-route diagnostic only).</summary>
internal sealed record RouteDeclaration(string Template, string Shape, string DisplayName, LocationInfo? Location);
