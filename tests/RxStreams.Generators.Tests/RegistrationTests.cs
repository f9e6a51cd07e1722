using RxStreams.Generators.Tests.Infrastructure;

namespace RxStreams.Generators.Tests;

/// <summary>The registration class: naming, and what a compilation with nothing to register gets.</summary>
public sealed class RegistrationTests
{
    [Fact]
    public void A_compilation_without_routes_messages_or_referenced_registrations_gets_nothing()
        => Assert.Empty(GeneratorHarness.Run("namespace App; public sealed class Plain { public int X { get; set; } }").ShouldCompileCleanly().Sources);

    [Theory]
    [InlineData("My-App.Server_1", "My_x002D_App_Server__1")]
    [InlineData("1st", "_1st")]
    [InlineData("Router", "Router_")]
    [InlineData("chat", "chat_")]
    [InlineData("chat.server2", "chat_server2")]
    [InlineData("PingSerializer", "PingSerializer_")]
    public void The_registration_class_is_named_after_the_assembly_and_never_clashes_with_its_nested_types(string assembly, string className)
    {
        var result = GeneratorHarness.Run(GeneratorHarness.Compile(assembly, null, ("Source.cs", """
            using System.Reactive.Linq;

            [StreamMessage]
            public sealed record Ping(int Sequence);

            public sealed partial class Handlers
            {
                [StreamRoute("ping")] public IObservable<Ping> Watch() => Observable.Return(new Ping(1));
            }
            """))).ShouldCompileCleanly();
        Assert.Contains($"public static partial class {className}", result.Sources["RxStreams.Registration.g.cs"], StringComparison.Ordinal);
        Assert.Contains($"typeof(global::RxStreams.Generated.{className})", result.Sources["RxStreams.Registration.g.cs"], StringComparison.Ordinal);
    }
}
