using Microsoft.CodeAnalysis;
using RxStreams.Generators.Tests.Infrastructure;

namespace RxStreams.Generators.Tests;

/// <summary>
/// Every diagnostic: its ID, severity, location (the marked span) and message. The generated code of an invalid
/// input must not add compiler errors of its own: the user sees the generator's diagnostic, not a cascade.
/// </summary>
public sealed class DiagnosticTests
{
    // ---- RXS0001 malformed template ----

    [Theory]
    [InlineData("", "the template is empty")]
    [InlineData("/chat", "starts with '/'")]
    [InlineData("chat/", "ends with '/'")]
    [InlineData("chat//room", "empty segment")]
    [InlineData("chat/{room", "unbalanced")]
    [InlineData("chat/room}", "unbalanced")]
    [InlineData("chat/{id:float}", "constraint 'float'")]
    [InlineData("chat/{id:Int}", "constraint 'Int'")]
    [InlineData("a/{x}/b/{X}", "'X' appears more than once")]
    [InlineData("p/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}", "9 parameters")]
    [InlineData("chat/ro om", "character ' ' is not allowed")]
    [InlineData("chat/room?x", "character '?' is not allowed")]
    [InlineData("chat/{1x}", "'1x' is not a valid parameter name")]
    [InlineData("chat/{}", "has no name")]
    [InlineData("chat/pre{x}", "mixes a literal and a parameter")]
    [InlineData("chat/{a}{b}", "several parameters")]
    public void RXS0001_malformed_template_is_reported_at_the_template(string template, string reason)
    {
        var literal = Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(template, quote: true);
        var diagnostic = AssertDiagnostic("RXS0001", DiagnosticSeverity.Error, $$"""
            public partial class Handlers
            {
                [StreamRoute([|{{literal}}|])]
                public IObservable<int> Watch() => throw null!;
            }
            """);
        Assert.Contains(reason, diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void RXS0001_a_class_prefix_and_a_method_template_sharing_a_parameter()
    {
        var diagnostic = AssertDiagnostic("RXS0001", DiagnosticSeverity.Error, """
            [StreamRoute("rooms/{id}")]
            public partial class Handlers
            {
                [StreamRoute([|"{ID:int}"|])]
                public IObservable<int> Watch(string id, int iD) => throw null!;
            }
            """);
        Assert.Contains("'rooms/{id}/{ID:int}' is invalid: the parameter 'ID' appears more than once", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void RXS0001_an_invalid_class_template_is_reported_once_at_the_class_attribute()
        => AssertDiagnostic("RXS0001", DiagnosticSeverity.Error, """
            [StreamRoute([|"rooms//x"|])]
            public partial class Handlers
            {
                [StreamRoute("a")] public IObservable<int> A() => throw null!;
                [StreamRoute("b")] public IObservable<int> B() => throw null!;
            }
            """);

    // ---- RXS0002 duplicate route ----

    [Fact]
    public void RXS0002_duplicate_route_is_reported_at_the_second_template()
    {
        var diagnostic = AssertDiagnostic("RXS0002", DiagnosticSeverity.Error, """
            public partial class Chat
            {
                [StreamRoute("chat/{room}")] public IObservable<int> Join(string room) => throw null!;
            }

            public partial class Lobby
            {
                [StreamRoute([|"chat/{name}"|])] public IObservable<int> Enter(string name) => throw null!;
            }
            """);
        Assert.Equal("The route 'chat/{name}' of 'Lobby.Enter' matches the same streams as the route 'chat/{room}' of 'Chat.Join'", diagnostic.GetMessage());
    }

    [Fact]
    public void RXS0002_templates_differing_only_by_constraint_are_not_duplicates()
        => AssertNoDiagnostics("""
            public partial class Chat
            {
                [StreamRoute("chat/{room}")] public IObservable<int> Join(string room) => throw null!;
                [StreamRoute("chat/{id:int}")] public IObservable<int> ById(int id) => throw null!;
            }
            """);

    // ---- RXS0003 route parameter missing from the method ----

    [Fact]
    public void RXS0003_template_parameter_without_method_parameter_is_reported_at_the_method()
    {
        var diagnostic = AssertDiagnostic("RXS0003", DiagnosticSeverity.Error, """
            [StreamRoute("tenants/{tenant}")]
            public partial class Handlers
            {
                [StreamRoute("rooms/{room}")]
                public IObservable<int> [|Watch|](string room) => throw null!;
            }
            """);
        Assert.Equal("The route parameter 'tenant' of 'tenants/{tenant}/rooms/{room}' has no parameter of the same name in 'Handlers.Watch'", diagnostic.GetMessage());
    }

    // ---- RXS0004 route parameter of the wrong type ----

    [Theory]
    [InlineData("{id:int}", "long", "int")]
    [InlineData("{id:long}", "int", "long")]
    [InlineData("{id:guid}", "string", "System.Guid")]
    [InlineData("{id:bool}", "int", "bool")]
    [InlineData("{id}", "int", "string")]
    [InlineData("{id:int}", "int?", "int")]
    public void RXS0004_route_parameter_of_the_wrong_type_is_reported_at_the_parameter(string segment, string type, string expected)
    {
        var diagnostic = AssertDiagnostic("RXS0004", DiagnosticSeverity.Error, $$"""
            public partial class Handlers
            {
                [StreamRoute("items/{{segment}}")]
                public IObservable<int> Watch({{type}} [|id|]) => throw null!;
            }
            """);
        Assert.Equal($"The parameter 'id' binds the route value '{segment}' and must be of type '{expected}', not '{type}'", diagnostic.GetMessage());
    }

    // ---- RXS0005 unsupported handler method ----

    [Theory]
    [InlineData("public static IObservable<int> [|M|]() => throw null!;", "it is static")]
    [InlineData("public IObservable<T> [|M|]<T>() => throw null!;", "it is generic")]
    [InlineData("public async void [|M|](string message) { await Task.Yield(); }", "async void")]
    [InlineData("public [|int|] M() => 0;", "it returns 'int'")]
    [InlineData("public [|IEnumerable<int>|] M() => throw null!;", "it returns 'System.Collections.Generic.IEnumerable<int>'")]
    [InlineData("public IObservable<int> M(ref int [|x|]) => throw null!;", "passed by reference")]
    [InlineData("public IObservable<int> M(out int [|x|]) => throw null!;", "passed by reference")]
    [InlineData("public IObservable<int> M(IObservable<int> a, IObservable<int> [|b|]) => throw null!;", "more than one IObservable<T> parameter")]
    [InlineData("public Task<int> M(int request, IObservable<int> [|input|]) => throw null!;", "only handlers returning IObservable<T> (duplex) can take")]
    [InlineData("public ref int [|M|]() => throw null!;", "returns by reference")]
    public void RXS0005_unsupported_method_is_reported(string member, string reason)
    {
        var diagnostic = AssertDiagnostic("RXS0005", DiagnosticSeverity.Error, $$"""
            public partial class Handlers
            {
                [StreamRoute("m")]
                {{member}}
            }
            """);
        Assert.StartsWith("'Handlers.M' cannot be a stream handler: ", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains(reason, diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    // ---- RXS0006 type cannot be serialized ----

    [Fact]
    public void RXS0006_unsupported_member_is_reported_at_the_member_naming_type_and_member()
    {
        var diagnostic = AssertDiagnostic("RXS0006", DiagnosticSeverity.Error, """
            public sealed class Envelope
            {
                public string Id { get; set; } = "";
                public object [|Payload|] { get; set; } = new();
            }

            public partial class Handlers
            {
                [StreamRoute("m")] public IObservable<Envelope> M() => throw null!;
            }
            """);
        Assert.Equal("The message type 'Envelope' cannot be serialized: its member 'Payload' has type 'object': 'object' is not supported (its type is unknown when reading; use JsonElement for free-form JSON)", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("System.IO.Stream", "framework type")]
    [InlineData("Dictionary<int, string>", "dictionary keys must be strings")]
    [InlineData("IComparable", "is an interface")]
    [InlineData("Action", "is a delegate")]
    [InlineData("int[,]", "multidimensional arrays")]
    [InlineData("HashSet<string>", "generic message types are not supported")]
    [InlineData("Base", "is abstract")]
    [InlineData("(int, int)", "generic message types are not supported")]
    [InlineData("List<object>", "its elements: 'object' is not supported")]
    public void RXS0006_unsupported_member_types(string type, string reason)
    {
        var diagnostic = AssertDiagnostic("RXS0006", DiagnosticSeverity.Error, $$"""
            public abstract class Base { }

            public sealed class Envelope
            {
                public {{type}} [|Value|] { get; set; } = default!;
            }

            public partial class Handlers
            {
                [StreamRoute("m")] public Task<int> M(Envelope request) => throw null!;
            }
            """);
        Assert.Contains(reason, diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void RXS0006_unsupported_payload_type_is_reported_at_the_parameter()
        => Assert.Contains("'object' is not supported", AssertDiagnostic("RXS0006", DiagnosticSeverity.Error, """
            public partial class Handlers
            {
                [StreamRoute("m")] public Task<int> M(object [|request|]) => throw null!;
            }
            """).GetMessage(), StringComparison.Ordinal);

    [Fact]
    public void RXS0006_generic_message_type_is_reported_at_the_return_type()
        => Assert.Contains("'Box<int>' is generic; generic message types are not supported", AssertDiagnostic("RXS0006", DiagnosticSeverity.Error, """
            public sealed record Box<T>(T Value);

            public partial class Handlers
            {
                [StreamRoute("m")] public [|IObservable<Box<int>>|] M() => throw null!;
            }
            """).GetMessage(), StringComparison.Ordinal);

    [Fact]
    public void RXS0006_stream_message_attribute_on_a_generic_type_is_reported_at_the_type()
        => AssertDiagnostic("RXS0006", DiagnosticSeverity.Error, """
            [StreamMessage]
            public sealed record [|Box|]<T>(T Value);
            """);

    [Fact]
    public void RXS0006_a_message_type_nested_in_a_generic_type()
        => Assert.Contains("'Outer<int>.Inner' is nested in the generic type 'Outer<int>'", AssertDiagnostic("RXS0006", DiagnosticSeverity.Error, """
            public sealed class Outer<T>
            {
                public sealed record Inner(int Value);
            }

            public partial class Handlers
            {
                [StreamRoute("m")] public [|IObservable<Outer<int>.Inner>|] M() => throw null!;
            }
            """).GetMessage(), StringComparison.Ordinal);

    [Fact]
    public void RXS0006_members_with_the_same_json_name()
        => Assert.Contains("its members 'Id' and 'ID' have the same JSON name 'id'", AssertDiagnostic("RXS0006", DiagnosticSeverity.Error, """
            [StreamMessage]
            public sealed class Twins
            {
                public int Id { get; set; }
                public int [|ID|] { get; set; }
            }
            """).GetMessage(), StringComparison.Ordinal);

    [Fact]
    public void RXS0006_a_class_without_a_constructor_to_read_with()
        => Assert.Contains("several constructors and none without parameters", AssertDiagnostic("RXS0006", DiagnosticSeverity.Error, """
            public sealed class Ambiguous
            {
                public Ambiguous(int a) { }
                public Ambiguous(string b) { }
            }

            public partial class Handlers
            {
                [StreamRoute("m")] public [|IObservable<Ambiguous>|] M() => throw null!;
            }
            """).GetMessage(), StringComparison.Ordinal);

    [Fact]
    public void RXS0006_stream_item_as_an_input()
        => Assert.Contains("StreamItem<T> is only supported as the item type of a handler's IObservable result", AssertDiagnostic("RXS0006", DiagnosticSeverity.Error, """
            public partial class Handlers
            {
                [StreamRoute("m")] public IObservable<int> M(IObservable<StreamItem<int>> [|input|]) => throw null!;
            }
            """).GetMessage(), StringComparison.Ordinal);

    // ---- RXS0007 not partial ----

    [Fact]
    public void RXS0007_handler_class_not_partial_is_reported_at_the_class()
        => Assert.Equal("'Handlers' must be declared partial: the generator adds the stream endpoints of its handlers to it", AssertDiagnostic("RXS0007", DiagnosticSeverity.Error, """
            [StreamRoute("chat/{room}")]
            public sealed class [|Handlers|]
            {
                public IObservable<int> Join(string room) => throw null!;
            }
            """).GetMessage());

    [Fact]
    public void RXS0007_containing_type_not_partial_is_reported_at_the_containing_type()
        => AssertDiagnostic("RXS0007", DiagnosticSeverity.Error, """
            public static class [|Outer|]
            {
                public sealed partial class Handlers
                {
                    [StreamRoute("m")] public IObservable<int> M() => throw null!;
                }
            }
            """);

    // ---- RXS0008 invalid handler class ----

    [Theory]
    [InlineData("public abstract partial class [|Handlers|]", "it is abstract")]
    [InlineData("public static partial class [|Handlers|]", "it is static")]
    [InlineData("public partial class [|Handlers|]<T>", "it is generic")]
    public void RXS0008_invalid_handler_class(string declaration, string reason)
        => Assert.Contains(reason, AssertDiagnostic("RXS0008", DiagnosticSeverity.Error, $$"""
            {{declaration}}
            {
                [StreamRoute("m")] public static IObservable<int> M() => throw null!;
            }
            """, allowOthers: true).GetMessage(), StringComparison.Ordinal);

    [Fact]
    public void RXS0008_private_nested_class()
        => Assert.Contains("it is private", AssertDiagnostic("RXS0008", DiagnosticSeverity.Error, """
            public partial class Outer
            {
                private partial class [|Handlers|]
                {
                    [StreamRoute("m")] public IObservable<int> M() => throw null!;
                }
            }
            """).GetMessage(), StringComparison.Ordinal);

    [Fact]
    public void RXS0008_nested_in_a_generic_type()
        => Assert.Contains("nested in the generic type 'Outer<T>'", AssertDiagnostic("RXS0008", DiagnosticSeverity.Error, """
            public partial class Outer<T>
            {
                public partial class [|Handlers|]
                {
                    [StreamRoute("m")] public IObservable<int> M() => throw null!;
                }
            }
            """).GetMessage(), StringComparison.Ordinal);

    [Fact]
    public void RXS0008_handler_method_in_a_struct()
        => Assert.Contains("it is a struct; handlers are methods of a class", AssertDiagnostic("RXS0008", DiagnosticSeverity.Error, """
            public partial struct [|Handlers|]
            {
                [StreamRoute("m")] public IObservable<int> M() => throw null!;
            }
            """).GetMessage(), StringComparison.Ordinal);

    // ---- RXS0009 several candidate methods; RXS0010 none ----

    [Fact]
    public void RXS0009_several_unmarked_public_methods_in_a_routed_class()
        => Assert.Equal("'Handlers' has a route template and several public methods that could handle it (Join, Leave): mark each handler method with [StreamRoute]", AssertDiagnostic("RXS0009", DiagnosticSeverity.Error, """
            [StreamRoute("chat/{room}")]
            public partial class [|Handlers|] : IDisposable
            {
                public IObservable<int> Join(string room) => throw null!;
                public Task Leave(string room, string reason) => throw null!;
                public void Dispose() { }
                public override string ToString() => "";
                private IObservable<int> Helper() => throw null!;
            }
            """).GetMessage());

    [Fact]
    public void RXS0010_routed_class_without_a_handler_method_is_a_warning()
        => AssertDiagnostic("RXS0010", DiagnosticSeverity.Warning, """
            [StreamRoute("chat/{room}")]
            public partial class [|Handlers|]
            {
                public int Count { get; set; }
            }
            """);

    // ---- RXS0011 constructors ----

    [Fact]
    public void RXS0011_two_constructors_with_the_most_parameters()
        => Assert.Contains("2 constructors with 1 parameters; mark the one to use with [ActivatorUtilitiesConstructor]", AssertDiagnostic("RXS0011", DiagnosticSeverity.Error, """
            public partial class [|Handlers|]
            {
                public Handlers(IServiceProvider services) { }
                public Handlers(StreamContext context) { }
                [StreamRoute("m")] public IObservable<int> M() => throw null!;
            }
            """).GetMessage(), StringComparison.Ordinal);

    [Fact]
    public void RXS0011_constructor_with_a_ref_parameter()
        => AssertDiagnostic("RXS0011", DiagnosticSeverity.Error, """
            public partial class Handlers
            {
                public Handlers(ref int [|counter|]) { }
                [StreamRoute("m")] public IObservable<int> M() => throw null!;
            }
            """);

    // ---- RXS0012 missing request ----

    [Theory]
    [InlineData("Task<int>", "request/response")]
    [InlineData("ValueTask<int>", "request/response")]
    [InlineData("Task", "fire-and-forget")]
    [InlineData("void", "fire-and-forget")]
    public void RXS0012_request_response_or_fire_and_forget_without_a_request(string returnType, string kind)
        => Assert.Equal($"'Handlers.Send' is a {kind} handler and needs a request parameter (the message the client sends), after any route values", AssertDiagnostic("RXS0012", DiagnosticSeverity.Error, $$"""
            public partial class Handlers
            {
                [StreamRoute("rooms/{room}/send")]
                public {{returnType}} [|Send|](string room, StreamContext context, CancellationToken cancellationToken) => throw null!;
            }
            """).GetMessage());

    // ---- RXS0013 simple service ----

    [Fact]
    public void RXS0013_a_service_of_a_simple_type_is_a_warning_at_the_parameter()
        => Assert.Equal("The parameter 'roomId' of type 'int' is resolved as a service; if it is meant to be a route value, add '{roomId}' to the template", AssertDiagnostic("RXS0013", DiagnosticSeverity.Warning, """
            public partial class Handlers
            {
                [StreamRoute("rooms/{id:int}")]
                public IObservable<int> Watch(int id, int [|roomId|]) => throw null!;
            }
            """).GetMessage());

    // ---- RXS0014 invalid model handler ----

    [Fact]
    public void RXS0014_a_model_handler_whose_input_is_not_edits()
        => Assert.Equal("'Handlers.Todo' is not a valid model handler: its input 'input' is System.IObservable<string>; a model handler's input is IObservable<ModelEdit<TEdit>>, the client's edits", AssertDiagnostic("RXS0014", DiagnosticSeverity.Error, """
            using RxStreams.Models;

            public sealed record Todo(string Title);

            public partial class Handlers
            {
                [StreamRoute("todo/{list}")]
                public ModelStream<Todo> Todo(string list, IObservable<string> [|input|]) => throw null!;
            }
            """).GetMessage());

    [Theory]
    [InlineData("Task<ModelStream<Todo>>")]
    [InlineData("ValueTask<ModelStream<Todo>>")]
    [InlineData("IObservable<ModelStream<Todo>>")]
    public void RXS0014_a_model_stream_inside_a_task_or_an_observable(string returnType)
        => Assert.Equal("'Handlers.Todo' is not a valid model handler: it returns ModelStream<T> inside a Task, ValueTask or IObservable; return the ModelStream<T> itself (it is already asynchronous)", AssertDiagnostic("RXS0014", DiagnosticSeverity.Error, $$"""
            using RxStreams.Models;

            public sealed record Todo(string Title);

            public partial class Handlers
            {
                [StreamRoute("todo/{list}")]
                public [|{{returnType}}|] Todo(string list, StreamContext context) => throw null!;
            }
            """).GetMessage());

    // ---- RXS0015 model edits without a model ----

    [Fact]
    public void RXS0015_model_edits_on_a_handler_that_does_not_return_a_model_stream()
        => Assert.Equal("'Handlers.Todo' takes IObservable<ModelEdit<string>> but does not return ModelStream<T>; only a model handler receives edits", AssertDiagnostic("RXS0015", DiagnosticSeverity.Error, """
            using RxStreams.Models;

            public partial class Handlers
            {
                [StreamRoute("todo/{list}")]
                public IObservable<int> Todo(string list, IObservable<ModelEdit<string>> [|edits|]) => throw null!;
            }
            """).GetMessage());

    [Fact]
    public void Model_handlers_read_only_and_with_edits_report_nothing()
        => AssertNoDiagnostics("""
            using RxStreams.Models;

            public sealed record Todo(string Title, bool Done);

            public sealed record TodoList(Dictionary<string, Todo> Items);

            public sealed record TodoEdit(string Id, string? Title, bool? Done);

            [StreamRoute("todo/{list}")]
            public partial class Lists(IStreamHub hub)
            {
                [StreamRoute("")]
                public ModelStream<TodoList> Edit(string list, IObservable<ModelEdit<TodoEdit>> edits, StreamContext context)
                    => hub.Model<TodoList>("todo:" + list).Serve(context, edits, (state, edit) => state);

                [StreamRoute("view")]
                public ModelStream<TodoList> View(string list, StreamContext context, CancellationToken cancellationToken)
                    => hub.Model<TodoList>("todo:" + list).Stream(context);
            }
            """);

    // ---- valid variations that must not report anything ----

    [Fact]
    public void Valid_variations_report_nothing()
        => AssertNoDiagnostics("""
            using System.Reactive.Subjects;

            [StreamRoute("chat/{room}")]
            public sealed partial class OneMethod(IServiceProvider services) : IAsyncDisposable
            {
                public IObservable<string> Join(string room) => throw null!;
                public ValueTask DisposeAsync() => default;
            }

            [StreamRoute("rooms/{room}")]
            public sealed partial class EmptyMethodTemplate
            {
                [StreamRoute("")] public IObservable<string> Room(string ROOM) => throw null!;
                [StreamRoute("typing")] public Subject<bool> Typing(string room) => throw null!;
                public void NotAHandler(int x) { }
            }

            public static partial class Outer
            {
                internal sealed partial record Nested
                {
                    [StreamRoute("nested/{flag:bool}")] public Task<int> M(bool flag, int request) => throw null!;
                }
            }

            public sealed partial class PrivateConstructor
            {
                private PrivateConstructor() { }
                [StreamRoute("private")] private IObservable<int> Hidden() => throw null!;
            }

            // A positional record: its compiler-generated members are not candidates, its copy constructor is not used.
            [StreamRoute("records/{id:long}")]
            public sealed partial record RecordHandler(IServiceProvider Services)
            {
                public IObservable<Keywords> Watch(long id) => throw null!;
            }

            // C# keywords as type member, parameter and route parameter names.
            public sealed record Keywords(int @event, string @class)
            {
                public bool @checked { get; set; }
            }

            public sealed partial class KeywordHandlers
            {
                [StreamRoute("k/{class}/{event:int}")]
                public Task<Keywords> @switch(string @class, int @event, Keywords @params) => throw null!;
            }
            """);

    private static Diagnostic AssertDiagnostic(string id, DiagnosticSeverity severity, string markup, bool allowOthers = false)
    {
        var (source, span) = Markup.Parse(markup);
        var result = GeneratorHarness.Run(source);
        var all = result.GeneratorDiagnostics;
        var matching = all.Where(d => d.Id == id).ToList();
        Assert.True(matching.Count == 1, $"Expected one {id}, got:\n{string.Join("\n", all)}");
        if (!allowOthers)
        {
            Assert.True(all.Length == 1, $"Expected only {id}, got:\n{string.Join("\n", all)}");
        }
        var diagnostic = matching[0];
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal("Source0.cs", diagnostic.Location.GetLineSpan().Path);
        Assert.True(span == diagnostic.Location.SourceSpan,
            $"Expected {id} at '{source.Substring(span.Start, span.Length)}' {span}, got '{SpanText(source, diagnostic)}' {diagnostic.Location.SourceSpan}: {diagnostic}");
        Assert.Equal(source[..span.Start].Count(c => c == '\n'), diagnostic.Location.GetLineSpan().StartLinePosition.Line);
        AssertNoCascade(result);
        return diagnostic;
    }

    private static void AssertNoDiagnostics(string source)
    {
        var result = GeneratorHarness.Run(source);
        Assert.True(result.GeneratorDiagnostics.IsEmpty, string.Join("\n", result.GeneratorDiagnostics));
        AssertNoCascade(result);
    }

    /// <summary>Generated files add no compiler error to the user's own.</summary>
    private static void AssertNoCascade(GeneratorResult result)
    {
        var generated = result.RunResult.GeneratedTrees.ToHashSet();
        var errors = result.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree is { } tree && generated.Contains(tree)).ToList();
        Assert.True(errors.Count == 0, "The generated code does not compile:\n" + string.Join("\n", errors));
    }

    private static string SpanText(string source, Diagnostic diagnostic)
    {
        var span = diagnostic.Location.SourceSpan;
        return span.End <= source.Length ? source.Substring(span.Start, span.Length) : "?";
    }
}
