namespace RxStreams.Generators.Model;

/// <summary>The registration file.</summary>
internal sealed record RegistrationModel(AssemblyModel Assembly, bool HasRouter, EquatableArray<SerializerRegistration> Serializers);
