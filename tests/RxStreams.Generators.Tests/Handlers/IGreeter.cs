namespace RxStreams.Generators.Tests.Handlers;

/// <summary>A service the handlers take from DI.</summary>
public interface IGreeter
{
    string Greet(string name);
}
