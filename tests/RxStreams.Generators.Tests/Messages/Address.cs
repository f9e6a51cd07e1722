namespace RxStreams.Generators.Tests.Messages;

/// <summary>A class with settable properties, a property initializer and a nested message type.</summary>
public sealed class Address
{
    public string Street { get; set; } = "";

    public string? City { get; set; }

    public int Floor { get; set; } = 1;

    public Address? Next { get; set; }
}
