namespace RxStreams.Generators.Tests.Messages;

/// <summary>A [Flags] enum with a non-int underlying type.</summary>
[Flags]
public enum Permissions : byte
{
    None = 0,
    Read = 1,
    Write = 2,
    Admin = 4,
}
