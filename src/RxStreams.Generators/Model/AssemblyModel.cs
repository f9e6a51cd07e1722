namespace RxStreams.Generators.Model;

/// <summary>Facts about the compilation the output needs, as values.</summary>
/// <param name="ClassName">The registration class (the assembly name, sanitized), in namespace RxStreams.Generated.</param>
/// <param name="SupportsModuleInitializer">True when ModuleInitializerAttribute exists.</param>
/// <param name="ReferencedRegistrations">The registration classes of referenced assemblies (global::-qualified).</param>
internal sealed record AssemblyModel(string ClassName, bool SupportsModuleInitializer, EquatableArray<string> ReferencedRegistrations);
