using RxStreams.Generators.Tests.Infrastructure;
using RxStreams.Testing;

namespace RxStreams.Generators.Tests;

/// <summary>
/// The generated source for representative handlers and messages, against baselines in Snapshots/. Each test also
/// checks the generated code compiles without a warning. Accept intended changes with RXSTREAMS_ACCEPT_SNAPSHOTS=1.
/// </summary>
public sealed class SnapshotTests
{
    [Fact]
    public void Duplex_resumable_handler_from_the_design_document()
        => Verify(nameof(Duplex_resumable_handler_from_the_design_document), """
            namespace Chat;

            public sealed record ChatMessage(string From, string Text, DateTimeOffset SentAt);

            [StreamRoute("chat/{room}")]
            public sealed partial class ChatRoom(IStreamHub hub)
            {
                public IObservable<StreamItem<ChatMessage>> Join(string room, IObservable<ChatMessage> input, StreamContext context)
                {
                    var channel = hub.Channel<ChatMessage>($"chat:{room}");
                    return channel.Connect(input, from: context.ResumeOffset);
                }
            }
            """);

    [Fact]
    public void All_shapes_typed_route_parameters_and_services()
        => Verify(nameof(All_shapes_typed_route_parameters_and_services), """
            using System.Reactive.Linq;

            namespace Shop;

            public interface IClock { DateTimeOffset Now { get; } }

            public sealed record Order(long Id, decimal Total);

            public sealed record PlaceOrder(string Sku, int Quantity);

            [StreamRoute("shop/{tenant}")]
            public sealed partial class OrderHandlers : IDisposable
            {
                private readonly IClock _clock;

                internal OrderHandlers(IClock clock, StreamContext context) => _clock = clock;

                // Subscription with typed values, a service and the stream's cancellation.
                [StreamRoute("orders/{id:long}")]
                public IObservable<Order> Watch(string tenant, long id, IClock clock, CancellationToken cancellationToken)
                    => Observable.Return(new Order(id, 0m));

                // Request/response with Task<T>: the first other parameter is the request.
                [StreamRoute("orders")]
                public Task<Order> Place(string tenant, PlaceOrder request, StreamContext context)
                    => Task.FromResult(new Order(1, request.Quantity));

                // Request/response with ValueTask<T> and an optional service.
                [StreamRoute("quote/{sku:guid}")]
                public ValueTask<decimal> Quote(Guid sku, string tenant, PlaceOrder request, IClock? clock = null)
                    => ValueTask.FromResult(1m);

                // Fire-and-forget: Task, ValueTask and void.
                [StreamRoute("cancel/{id:int}")]
                public Task Cancel(int id, string tenant, string reason) => Task.CompletedTask;

                [StreamRoute("flag/{on:bool}")]
                public ValueTask Flag(string tenant, bool on, int[] codes) => ValueTask.CompletedTask;

                [StreamRoute("ping")]
                public void Ping(string tenant, DateTimeOffset at) { }

                public void Dispose() { }
            }
            """);

    [Fact]
    public void Model_handler_with_edits()
        => Verify(nameof(Model_handler_with_edits), """
            using RxStreams.Models;

            namespace Todos;

            public sealed record TodoList(string? Title, Dictionary<string, bool>? Done);

            public sealed record Rename(string Title);

            [StreamRoute("todo/{list}")]
            public sealed partial class TodoLists(IStreamHub hub)
            {
                public ModelStream<TodoList> Edit(string list, IObservable<ModelEdit<Rename>> edits, StreamContext context)
                    => hub.Model<TodoList>("todo:" + list).Serve(
                        context,
                        edits,
                        (state, rename) => state with { Title = rename.Title });
            }
            """);

    [Fact]
    public void Authorization_metadata()
        => Verify(nameof(Authorization_metadata), """
            using System.Reactive.Linq;
            using Microsoft.AspNetCore.Authorization;

            namespace Admin;

            [Authorize(Policy = "admins")]
            public partial class AdminStreams
            {
                [StreamRoute("admin/stats")]
                [Authorize(Roles = "ops,dev", AuthenticationSchemes = "Bearer")]
                public IObservable<int> Stats() => Observable.Return(1);

                [StreamRoute("admin/health")]
                [AllowAnonymous]
                public IObservable<bool> Health() => Observable.Return(true);

                [StreamRoute("admin/plain")]
                [Authorize("named-policy")]
                public IObservable<string> Plain() => Observable.Return("");
            }
            """);

    [Fact]
    public void Rich_message_type()
        => Verify(nameof(Rich_message_type), """
            using System.Text.Json;
            using System.Text.Json.Serialization;

            namespace Model;

            public enum Mood { Calm, VeryHappy, Angry = 10, Furious = Angry }

            [Flags]
            public enum Access : ushort { None = 0, Read = 1, Write = 2 }

            public readonly record struct Point(double X, double Y);

            public sealed class Profile
            {
                public required string Name { get; init; }
                public int Level { get; init; } = 1;
                [JsonPropertyName("e-mail")] public string? Email { get; set; }
                [JsonIgnore] public string Secret { get; set; } = "";
                public Profile? Parent { get; set; }
            }

            [StreamMessage]
            public sealed record Everything(
                string Id,
                string? Note,
                bool Flag,
                byte B, sbyte SB, short S, ushort US, int I, uint UI, long L, ulong UL,
                float F, double D, decimal M, char C,
                Guid G, DateTime DT, DateTimeOffset DTO, TimeSpan TS, DateOnly DO, TimeOnly TO,
                byte[]? Blob,
                int? MaybeInt,
                Mood Mood,
                Access Access,
                Point Where,
                Point? MaybeWhere,
                Profile Owner,
                int[] Numbers,
                List<string?> Tags,
                IReadOnlyList<Profile> Profiles,
                IEnumerable<Mood> Moods,
                Dictionary<string, int> Counts,
                IReadOnlyDictionary<string, List<Point>>? Paths,
                JsonElement Extra,
                int Retries = 3)
            {
                public string? Comment { get; set; }
            }
            """);

    [Fact]
    public void Router_precedence_and_grouping()
        => Verify(nameof(Router_precedence_and_grouping), """
            using System.Reactive.Linq;

            namespace Routes;

            public sealed partial class RouteTable
            {
                [StreamRoute("users/{id:int}")] public IObservable<int> ById(int id) => Observable.Return(id);
                [StreamRoute("users/{name}")] public IObservable<string> ByName(string name) => Observable.Return(name);
                [StreamRoute("users/me")] public IObservable<string> Me() => Observable.Return("me");
                [StreamRoute("users/{id:guid}/posts/{post:long}")] public IObservable<long> Post(Guid id, long post) => Observable.Return(post);
                [StreamRoute("{any}/health")] public IObservable<bool> Health(string any) => Observable.Return(true);
                [StreamRoute("files/{path}")] public IObservable<string> File(string path) => Observable.Return(path);
            }
            """);

    [Fact]
    public void Module_initializer_registers_referenced_assemblies()
    {
        // A library with a message type, compiled (with its generated code) into a real assembly image.
        var library = GeneratorHarness.Run(GeneratorHarness.Compile("Shared.Contracts", null, ("Contracts.cs", """
            namespace Shared;

            [StreamMessage]
            public sealed record Ping(int Sequence);
            """))).ShouldCompileCleanly();
        using var image = new MemoryStream();
        Assert.True(library.Output.Emit(image).Success);
        var reference = Microsoft.CodeAnalysis.MetadataReference.CreateFromImage(image.ToArray());

        // An application with nothing of its own still registers what it references.
        var empty = GeneratorHarness.Run(GeneratorHarness.Compile("Client.App", [reference], ("Program.cs", "namespace Client; public static class Program { }")))
            .ShouldCompileCleanly();
        Snapshot.Match(Assert.Single(empty.Sources).Value, nameof(Module_initializer_registers_referenced_assemblies) + ".Empty");

        // One with types of its own registers both, referenced first.
        var app = GeneratorHarness.Run(GeneratorHarness.Compile("Client.App", [reference], ("Program.cs", """
            namespace Client;

            [StreamMessage]
            public sealed record Pong(Shared.Ping Ping, string Text);
            """))).ShouldCompileCleanly();
        Snapshot.Match(app.Sources["RxStreams.Registration.g.cs"], nameof(Module_initializer_registers_referenced_assemblies) + ".WithOwn");
    }

    private static void Verify(string name, string source)
    {
        var result = GeneratorHarness.Run(source).ShouldCompileCleanly();
        var expected = new List<string>();
        foreach (var (hintName, text) in result.Sources.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var snapshot = name + "." + hintName[..^".g.cs".Length];
            Snapshot.Match(text, snapshot);
            expected.Add(snapshot + ".verified.cs");
        }

        // A baseline of a file the generator no longer emits is stale.
        var baselines = Directory.GetFiles(Snapshot.Folder(), name + ".*.verified.cs").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(expected.Order(StringComparer.Ordinal), baselines);
    }
}
