namespace RxStreams.Generators.Model;

/// <summary>One segment of a template: a literal, or a parameter with its constraint.</summary>
internal sealed record RouteSegment(string Value, bool IsParameter, RouteConstraint Constraint);
