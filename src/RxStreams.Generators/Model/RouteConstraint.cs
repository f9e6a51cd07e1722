namespace RxStreams.Generators.Model;

/// <summary>The constraint of a route parameter, which decides its C# type.</summary>
internal enum RouteConstraint
{
    /// <summary><c>{x}</c>: string.</summary>
    None,

    /// <summary><c>{x:int}</c>.</summary>
    Int,

    /// <summary><c>{x:long}</c>.</summary>
    Long,

    /// <summary><c>{x:guid}</c>.</summary>
    Guid,

    /// <summary><c>{x:bool}</c>.</summary>
    Bool,
}
