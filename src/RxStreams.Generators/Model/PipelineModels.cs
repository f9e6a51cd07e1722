namespace RxStreams.Generators.Model;

/// <summary>A route as declared, with where its template is (for the duplicate-route diagnostic only).</summary>
internal sealed record RouteDeclaration(string Template, string Shape, string DisplayName, LocationInfo? Location);

/// <summary>What parsing one handler class gives: the model to emit (null when it has errors), its message types, its routes and its diagnostics.</summary>
internal sealed record HandlerClassResult(
    HandlerClassModel? Model,
    TypeSetModel Types,
    EquatableArray<RouteDeclaration> Routes,
    EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>What parsing one [StreamMessage] type gives.</summary>
internal sealed record MessageTypeResult(TypeSetModel Types, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>One route of the router: its template and the endpoint class serving it.</summary>
internal sealed record RouteModel(RouteTemplate Template, string EndpointType);

/// <summary>The compilation's routes, in a deterministic order (duplicates removed).</summary>
internal sealed record RouterModel(EquatableArray<RouteModel> Routes);

/// <summary>Facts about the compilation the output needs, as values.</summary>
/// <param name="ClassName">The registration class (the assembly name, sanitized), in namespace RxStreams.Generated.</param>
/// <param name="SupportsModuleInitializer">True when ModuleInitializerAttribute exists.</param>
/// <param name="ReferencedRegistrations">The registration classes of referenced assemblies (global::-qualified).</param>
internal sealed record AssemblyModel(string ClassName, bool SupportsModuleInitializer, EquatableArray<string> ReferencedRegistrations);

/// <summary>One serializer file.</summary>
/// <param name="ContainerClass">The registration class the serializer is nested in.</param>
/// <param name="ClassName">The serializer class.</param>
/// <param name="TypeName">The serialized type, global::-qualified.</param>
/// <param name="Named">For a record, class, struct or enum: its model.</param>
/// <param name="Root">For another payload type (a list, an array, a nullable …): its model.</param>
internal sealed record SerializerModel(string ContainerClass, string ClassName, string TypeName, NamedTypeModel? Named, TypeModel? Root);

/// <summary>The registration of one serializer.</summary>
internal sealed record SerializerRegistration(string TypeName, string SerializerName);

/// <summary>The registration file.</summary>
internal sealed record RegistrationModel(AssemblyModel Assembly, bool HasRouter, EquatableArray<SerializerRegistration> Serializers);
