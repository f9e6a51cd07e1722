namespace RxStreams.Generators.Tests.Handlers;

/// <summary>A service the handlers take from DI.</summary>
public interface IGreeter
{
    string Greet(string name);
}

/// <summary>The test implementation of <see cref="IGreeter"/>.</summary>
public sealed class Greeter : IGreeter
{
    public string Greet(string name) => "hello " + name;
}
