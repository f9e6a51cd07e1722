using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RxStreams.Generators.Tests.Infrastructure;

namespace RxStreams.Generators.Tests;

/// <summary>
/// The pipeline is incremental: edits that do not change what is generated leave the tracked steps Cached or
/// Unchanged, and no step holds a symbol, syntax node, location or compilation (which would defeat caching and
/// keep old compilations alive).
/// </summary>
public sealed class IncrementalTests
{
    private const string Handlers = """
        using System.Reactive.Linq;
        using Messages;

        namespace App;

        [StreamRoute("chat/{room}")]
        public sealed partial class ChatRoom(IServiceProvider services)
        {
            public IObservable<StreamItem<ChatMessage>> Join(string room, IObservable<ChatMessage> input, StreamContext context)
                => input.Select(m => new StreamItem<ChatMessage>(default, m, default));
        }

        public sealed partial class Orders
        {
            [StreamRoute("orders/{id:int}")]
            public Task<Receipt> Place(int id, Order request) => Task.FromResult(new Receipt(id, Status.Accepted));
        }
        """;

    private const string Messages = """
        namespace Messages;

        public sealed record ChatMessage(string From, string Text, DateTimeOffset SentAt);
        public sealed record Order(string Sku, int Quantity);
        public sealed record Receipt(int Id, Status Status);
        public enum Status { Accepted, Rejected }

        [StreamMessage]
        public sealed record Standalone(List<int> Values);
        """;

    [Fact]
    public void Every_tracked_step_runs_on_the_test_input()
    {
        var run = Start(out _).GetRunResult().Results.Single();
        foreach (var name in TrackingNames.All)
        {
            Assert.True(run.TrackedSteps.ContainsKey(name), $"The step {name} did not run.");
        }
    }

    [Fact]
    public void Adding_an_unrelated_file_leaves_every_step_cached_or_unchanged()
    {
        var driver = Start(out var compilation);
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace App; public sealed class Unrelated { public int X { get; set; } }", GeneratorHarness.ParseOptions, "Unrelated.cs"));
        AssertAllCachedOrUnchanged(driver.RunGenerators(edited), []);
    }

    [Fact]
    public void Adding_a_comment_and_a_class_at_the_end_of_the_handler_file_leaves_every_step_cached_or_unchanged()
    {
        var driver = Start(out var compilation);
        var edited = ReplaceHandlers(compilation, Handlers + "\n// a comment\npublic sealed class Unrelated { }\n");
        AssertAllCachedOrUnchanged(driver.RunGenerators(edited), []);
    }

    [Fact]
    public void Editing_a_handler_method_body_leaves_the_models_and_outputs_unchanged()
    {
        var driver = Start(out var compilation);
        var edited = ReplaceHandlers(compilation, Handlers.Replace("new Receipt(id, Status.Accepted)", "new Receipt(id + 1, Status.Rejected)", StringComparison.Ordinal));
        AssertAllCachedOrUnchanged(driver.RunGenerators(edited), []);
    }

    [Fact]
    public void A_comment_that_moves_the_handlers_only_changes_the_step_holding_their_locations()
    {
        // The per-class result keeps the template locations the duplicate-route diagnostic needs, so it changes when
        // code moves; everything derived from it that emits code holds no location and stays unchanged.
        var driver = Start(out var compilation);
        var edited = ReplaceHandlers(compilation, "// a comment that moves every line below\n" + Handlers);
        driver = driver.RunGenerators(edited);
        AssertAllCachedOrUnchanged(driver, [TrackingNames.HandlerClasses]);
        Assert.Contains(driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.HandlerClasses].SelectMany(s => s.Outputs),
            o => o.Reason == IncrementalStepRunReason.Modified);
    }

    [Fact]
    public void Changing_a_template_is_seen_by_the_router()
    {
        // The control: the assertions above would pass on a pipeline that never recomputes anything.
        var driver = Start(out var compilation);
        var run = driver.RunGenerators(ReplaceHandlers(compilation, Handlers.Replace("orders/{id:int}", "orders/{id:int}/place", StringComparison.Ordinal)))
            .GetRunResult().Results.Single();
        Assert.Contains(run.TrackedSteps[TrackingNames.Router].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(run.TrackedSteps[TrackingNames.HandlerModels].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(run.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
    }

    [Fact]
    public void No_step_holds_a_symbol_syntax_node_location_or_compilation()
    {
        var run = Start(out _).GetRunResult().Results.Single();
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var count = 0;
        foreach (var name in TrackingNames.All)
        {
            foreach (var step in run.TrackedSteps[name])
            {
                foreach (var (value, _) in step.Outputs)
                {
                    AssertNoRoslynObjects(value, name, visited);
                    count++;
                }
            }
        }
        Assert.True(count > 10, "The walk saw too few values to mean anything.");
    }

    private static GeneratorDriver Start(out Compilation compilation)
    {
        compilation = GeneratorHarness.Compile("App", null, ("Handlers.cs", Handlers), ("Messages.cs", Messages));
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var first = driver.GetRunResult();
        Assert.Empty(first.Diagnostics);
        return driver;
    }

    private static Compilation ReplaceHandlers(Compilation compilation, string text)
    {
        var old = compilation.SyntaxTrees.Single(t => t.FilePath == "Handlers.cs");
        return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(text, GeneratorHarness.ParseOptions, "Handlers.cs"));
    }

    private static void AssertAllCachedOrUnchanged(GeneratorDriver driver, string[] allowedToChange)
    {
        var run = driver.GetRunResult().Results.Single();
        foreach (var name in TrackingNames.All.Except(allowedToChange))
        {
            foreach (var step in run.TrackedSteps[name])
            {
                foreach (var (_, reason) in step.Outputs)
                {
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"The step {name} was {reason}.");
                }
            }
        }
        foreach (var (name, steps) in run.TrackedOutputSteps)
        {
            foreach (var (_, reason) in steps.SelectMany(s => s.Outputs))
            {
                Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"The output {name} was {reason}.");
            }
        }
    }

    private static readonly Type[] s_forbidden = [typeof(ISymbol), typeof(Compilation), typeof(SyntaxNode), typeof(SyntaxTree), typeof(SemanticModel), typeof(Location), typeof(AttributeData)];

    private static void AssertNoRoslynObjects(object? value, string path, HashSet<object> visited)
    {
        if (value is null or string || value.GetType().IsPrimitive || value.GetType().IsEnum || value is DiagnosticDescriptor)
        {
            return;
        }
        var type = value.GetType();
        Assert.False(s_forbidden.Any(f => f.IsAssignableFrom(type)) || type == typeof(SyntaxToken) || type == typeof(TypedConstant),
            $"The pipeline holds a {type.Name} at {path}.");
        if (!type.IsValueType && !visited.Add(value))
        {
            return;
        }
        if (value is IEnumerable items)
        {
            var i = 0;
            foreach (var item in items)
            {
                AssertNoRoslynObjects(item, $"{path}[{i++}]", visited);
            }
            return;
        }
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                AssertNoRoslynObjects(field.GetValue(value), path + "." + field.Name, visited);
            }
        }
    }
}
