namespace RxStreams.Generators.Model;

/// <summary>The registration of one serializer.</summary>
internal sealed record SerializerRegistration(string TypeName, string SerializerName);
