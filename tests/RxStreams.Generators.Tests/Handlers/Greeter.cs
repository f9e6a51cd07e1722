namespace RxStreams.Generators.Tests.Handlers;

/// <summary>The test implementation of <see cref="IGreeter"/>.</summary>
public sealed class Greeter : IGreeter
{
    public string Greet(string name) => "hello " + name;
}
