using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RxStreams.Generators.Emitting;
using RxStreams.Generators.Model;
using RxStreams.Generators.Parsing;

namespace RxStreams.Generators;

/// <summary>
/// The RxStreams generator: [StreamRoute] handler classes become endpoint classes and one compiled router,
/// message types get Utf8JsonWriter/Utf8JsonReader serializers, and a registration class with a module
/// initializer registers them all. Initialize only wires the pipeline; parsing (symbols to models) is in
/// Parsing/, emitting (models to text) in Emitting/.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class StreamGenerator : IIncrementalGenerator
{
    private const string StreamRouteAttribute = "RxStreams.StreamRouteAttribute";
    private const string StreamMessageAttribute = "RxStreams.StreamMessageAttribute";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Symbols to values, once per attributed declaration.
        var handlerClasses = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                StreamRouteAttribute,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax or MethodDeclarationSyntax,
                HandlerParser.Parse)
            .Where(static r => r is not null)
            .Select(static (r, _) => r!)
            .WithTrackingName(TrackingNames.HandlerClasses);

        var messageTypes = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                StreamMessageAttribute,
                static (node, _) => node is TypeDeclarationSyntax,
                MessageParser.Parse)
            .Where(static r => r is not null)
            .Select(static (r, _) => r!)
            .WithTrackingName(TrackingNames.MessageTypes);

        var assembly = context.CompilationProvider
            .Select(static (c, ct) => PipelineSteps.ReadAssembly(c, ct))
            .WithTrackingName(TrackingNames.Assembly);

        // Endpoints: one file per handler class. The model holds no location, so edits that only move code keep it cached.
        var handlerModels = handlerClasses
            .Select(static (r, _) => r.Model)
            .Where(static m => m is not null)
            .Select(static (m, _) => m!)
            .WithTrackingName(TrackingNames.HandlerModels);
        context.RegisterSourceOutput(handlerModels, EndpointEmitter.Emit);

        // The router: every route of the compilation.
        var router = handlerModels.Collect()
            .Select(PipelineSteps.BuildRouter)
            .WithTrackingName(TrackingNames.Router);
        context.RegisterSourceOutput(router.Combine(assembly.Select(static (a, _) => a.ClassName)), RouterEmitter.Emit);

        // Serializers: one file each.
        var serializers = handlerClasses.Select(static (r, _) => r.Types).Collect()
            .Combine(messageTypes.Select(static (r, _) => r.Types).Collect())
            .Combine(assembly)
            .Select(PipelineSteps.BuildSerializers)
            .WithTrackingName(TrackingNames.Serializers);
        var serializerFiles = serializers
            .SelectMany(static (s, _) => s)
            .WithTrackingName(TrackingNames.SerializerFiles);
        context.RegisterSourceOutput(serializerFiles, SerializerEmitter.Emit);

        // The registration and module initializer.
        var registration = router.Combine(serializers).Combine(assembly)
            .Select(PipelineSteps.BuildRegistration)
            .WithTrackingName(TrackingNames.Registration);
        context.RegisterSourceOutput(registration, RegistrationEmitter.Emit);

        // Diagnostics: the only steps whose values hold locations.
        var routeConflicts = handlerClasses.Select(static (r, _) => r.Routes).Collect()
            .Select(PipelineSteps.FindDuplicateRoutes)
            .WithTrackingName(TrackingNames.RouteConflicts);
        var diagnostics = handlerClasses.Select(static (r, _) => r.Diagnostics).Collect()
            .Combine(messageTypes.Select(static (r, _) => r.Diagnostics).Collect())
            .Combine(routeConflicts)
            .Select(PipelineSteps.MergeDiagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (spc, all) =>
        {
            foreach (var diagnostic in all)
            {
                spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });
    }
}
