namespace RxStreams.Generators;

/// <summary>The names of the generator's pipeline steps (tests check them for caching and for what they hold).</summary>
internal static class TrackingNames
{
    public const string HandlerClasses = nameof(HandlerClasses);
    public const string HandlerModels = nameof(HandlerModels);
    public const string MessageTypes = nameof(MessageTypes);
    public const string Assembly = nameof(Assembly);
    public const string Router = nameof(Router);
    public const string RouteConflicts = nameof(RouteConflicts);
    public const string Serializers = nameof(Serializers);
    public const string SerializerFiles = nameof(SerializerFiles);
    public const string Registration = nameof(Registration);
    public const string Diagnostics = nameof(Diagnostics);

    /// <summary>Every step name above.</summary>
    public static readonly string[] All =
    [
        HandlerClasses, HandlerModels, MessageTypes, Assembly, Router, RouteConflicts, Serializers, SerializerFiles, Registration, Diagnostics,
    ];
}
