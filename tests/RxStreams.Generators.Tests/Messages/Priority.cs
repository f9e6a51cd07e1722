namespace RxStreams.Generators.Tests.Messages;

/// <summary>An enum with a multi-word member (camelCase on the wire) and an alias.</summary>
public enum Priority
{
    Low,
    Normal,
    VeryHigh,
    Urgent = VeryHigh,
}
