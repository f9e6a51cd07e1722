namespace RxStreams;

/// <summary>
/// Marks a handler class (the attribute's template is then a prefix) or a handler method with a stream route,
/// such as <c>"chat/{room}"</c> or <c>"orders/{id:long}"</c>. The RxStreams source generator compiles every
/// route of a compilation into one router; nothing is discovered by reflection at run time.
/// </summary>
/// <remarks>
/// Route parameters are typed by constraint: <c>{name}</c> (string), <c>{name:int}</c>, <c>{name:long}</c>,
/// <c>{name:guid}</c> and <c>{name:bool}</c>. A class carrying the attribute must be <c>partial</c>.
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class StreamRouteAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="template">The route template, segments separated by <c>/</c>.</param>
    public StreamRouteAttribute(string template) => Template = template;

    /// <summary>The route template.</summary>
    public string Template { get; }
}
