namespace RxStreams.Generators.Tests.Messages;

/// <summary>A positional record struct.</summary>
public readonly record struct GeoPoint(double Latitude, double Longitude);
