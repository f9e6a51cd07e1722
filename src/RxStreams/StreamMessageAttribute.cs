namespace RxStreams;

/// <summary>
/// Asks the source generator for a serializer for this type even when no handler in the compilation uses it,
/// for example in a project shared by a client and a server. Types that appear in handler signatures get one anyway.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class StreamMessageAttribute : Attribute
{
}
