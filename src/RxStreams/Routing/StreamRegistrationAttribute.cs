using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;

namespace RxStreams.Routing;

/// <summary>
/// Emitted by the source generator on an assembly that has generated routes or serializers. It names the generated
/// registration class (with a public static <c>Register()</c> method). The generator of a compilation that references
/// such assemblies calls their <c>Register()</c> from its own module initializer, so an application registers every
/// route and serializer it depends on when it starts, with no assembly scanning at run time.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class StreamRegistrationAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    public StreamRegistrationAttribute([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods)] Type registrationType)
        => RegistrationType = registrationType;

    /// <summary>The generated registration class.</summary>
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods)]
    public Type RegistrationType { get; }
}
