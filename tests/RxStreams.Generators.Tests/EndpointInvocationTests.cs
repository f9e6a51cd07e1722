using System.Buffers;
using System.Text;
using RxStreams.Generators.Tests.Handlers;
using RxStreams.Generators.Tests.Infrastructure;
using RxStreams.Generators.Tests.Messages;
using RxStreams.Routing;
using RxStreams.Testing;

namespace RxStreams.Generators.Tests;

/// <summary>
/// Generated endpoints invoked end to end through StreamInvocation with a real ServiceCollection: each handler gets
/// its route values, services, context, cancellation, input and request, and its result reaches the host's sink.
/// </summary>
public sealed class EndpointInvocationTests
{
    [Fact]
    public async Task Duplex_handler_gets_route_value_input_and_context_and_its_items_carry_offsets()
    {
        using var host = new Host();
        var input = new StreamInput();
        var (sink, subscription) = host.Run("chat/lobby", input: input);
        using var _ = subscription;

        input.OnPayload(Payload("""{"from":"ignored","text":"hi","sentAt":"2024-01-02T03:04:05+00:00"}"""));
        input.OnPayload(Payload("""{"text":"again","sentAt":"2024-01-02T03:04:06+00:00","from":"x"}"""));
        input.OnCompleted();
        await Wait.ForAsync(sink.Ended, "the duplex stream to complete");

        Assert.True(sink.Completed, sink.Error?.ToString());
        Assert.Equal(["ChatRoom.Join"], host.Probe.Calls);
        Assert.Equal("lobby", host.Probe.Arguments.First());
        Assert.Same(host.LastContext, host.Probe.Arguments.Last());
        Assert.Equal(2, sink.Items.Count);
        Assert.Equal("""{"from":"alice","text":"lobby: hi","sentAt":"2024-01-02T03:04:05+00:00"}""", sink.Items[0].Payload);
        Assert.Equal(new StreamOffset(1000, 0), sink.Items[0].Offset);
        Assert.Equal(new StreamOffset(1000, 1), sink.Items[1].Offset);
    }

    [Fact]
    public async Task Subscription_gets_an_int_route_value_and_the_stream_cancellation()
    {
        using var host = new Host();
        var sink = await host.RunToEndAsync("items/7");

        Assert.Equal(["7", "8", "9"], sink.Items.Select(i => i.Payload));
        Assert.All(sink.Items, i => Assert.Null(i.Offset));
        Assert.Equal(new object?[] { 7, host.Aborted }, host.Probe.Arguments);
    }

    [Fact]
    public async Task Subscription_gets_a_long_route_value()
    {
        using var host = new Host();
        var sink = await host.RunToEndAsync("items/9999999999/big");
        Assert.Equal(["9999999999"], sink.Items.Select(i => i.Payload));
    }

    [Fact]
    public async Task Method_parameter_services_come_from_the_stream_scope()
    {
        using var host = new Host();
        var sink = await host.RunToEndAsync("items/bob");

        Assert.Equal(["\"hello bob\""], sink.Items.Select(i => i.Payload));
        Assert.Equal("bob", host.Probe.Arguments.First());
        Assert.IsType<Greeter>(host.Probe.Arguments.Last());
    }

    [Fact]
    public async Task Request_response_gets_a_guid_route_value_the_request_and_the_context()
    {
        using var host = new Host();
        var key = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        var sink = await host.RunToEndAsync($"items/by-guid/{key}", """{"value":"v","count":1}""");

        Assert.True(sink.Completed, sink.Error?.ToString());
        Assert.Equal("""{"value":"0f8fad5bd9cb469fa16570867728950e:v","count":2}""", Assert.Single(sink.Items).Payload);
        var arguments = host.Probe.Arguments.ToArray();
        Assert.Equal(key, arguments[0]);
        Assert.Equal(new Shared("v", 1), arguments[1]);
        Assert.Same(host.LastContext, arguments[2]);
    }

    [Fact]
    public async Task Request_response_with_a_string_request_and_a_constructor_service()
    {
        using var host = new Host();
        var sink = await host.RunToEndAsync("items/greet", "\"carol\"");
        Assert.Equal("\"hello carol\"", Assert.Single(sink.Items).Payload);
    }

    [Fact]
    public async Task Fire_and_forget_ValueTask_gets_a_bool_route_value_the_message_and_the_cancellation()
    {
        using var host = new Host();
        var sink = await host.RunToEndAsync("items/flag/TRUE", """{"name":"n","size":3}""");

        Assert.True(sink.Completed);
        Assert.Empty(sink.Items);
        var arguments = host.Probe.Arguments.ToArray();
        Assert.Equal(true, arguments[0]);
        var settings = Assert.IsType<Settings>(arguments[1]);
        Assert.Equal(("n", 3), (settings.Name, settings.Size));
        Assert.Equal(host.Aborted, arguments[2]);
    }

    [Fact]
    public async Task Fire_and_forget_void_binds_route_values_by_name_whatever_their_order()
    {
        using var host = new Host();
        var sink = await host.RunToEndAsync("items/note/5/hello", """{"id":"r1","tags":["a"]}""");

        Assert.True(sink.Completed);
        var arguments = host.Probe.Arguments.ToArray();
        Assert.Equal("hello", arguments[0]);
        Assert.Equal(5, arguments[1]);
        var message = Assert.IsType<RichMessage>(arguments[2]);
        Assert.Equal("r1", message.Id);
        Assert.Equal(["a"], message.Tags);
    }

    [Fact]
    public async Task Fire_and_forget_Task_with_a_recursive_message()
    {
        using var host = new Host();
        await host.RunToEndAsync("items/tree", """{"name":"root","children":[{"name":"leaf","children":[]}]}""");
        var tree = Assert.IsType<TreeNode>(host.Probe.Arguments.Single());
        Assert.Equal("leaf", Assert.Single(tree.Children).Name);
    }

    [Fact]
    public void Private_constructor_with_service_provider_and_optional_service()
    {
        using var host = new Host(withGreeter: false);
        var (sink, subscription) = host.Run("orders/12");
        var arguments = host.Probe.Arguments.ToArray();
        Assert.Same(host.Services, arguments[0]);     // the constructor's IServiceProvider
        Assert.Equal(12, arguments[1]);
        Assert.Null(arguments[2]);                     // IGreeter? is optional and not registered
        Assert.Equal(0, host.Probe.Disposed);

        subscription.Dispose();
        Assert.Equal(1, host.Probe.Disposed);          // Owning(handler): the stream ended, the handler is disposed
        subscription.Dispose();
        Assert.Equal(1, host.Probe.Disposed);
        Assert.False(sink.Ended.IsCompleted);
    }

    [Fact]
    public async Task Request_response_with_array_request_and_list_response()
    {
        using var host = new Host();
        var (sink, subscription) = host.Run("orders/0f8fad5b-d9cb-469f-a165-70867728950e/audit", "[1,2,3]");
        await Wait.ForAsync(sink.Ended, "the response");
        Assert.Equal("[2,4,6]", Assert.Single(sink.Items).Payload);

        // The host disposes the subscription when the stream ends, which disposes the handler.
        Assert.Equal(0, host.Probe.Disposed);
        subscription.Dispose();
        Assert.Equal(1, host.Probe.Disposed);
    }

    [Fact]
    public void A_handler_that_throws_synchronously_is_disposed_and_the_exception_reaches_the_host()
    {
        using var host = new Host();
        var invocation = host.Open("orders/fail");
        var error = Assert.Throws<InvalidOperationException>(() => host.Endpoint.Invoke(invocation));
        Assert.Equal("handler failed synchronously", error.Message);
        Assert.Equal(1, host.Probe.Disposed);
    }

    [Fact]
    public async Task A_handler_that_is_both_disposable_kinds_is_disposed_asynchronously_on_both_paths()
    {
        using var host = new Host();
        // Invoking failed: the generated endpoint disposes it.
        var failing = host.Open("both/fail");
        Assert.Throws<InvalidOperationException>(() => host.Endpoint.Invoke(failing));
        await Wait.UntilAsync(() => Volatile.Read(ref host.Probe.DisposedAsync) == 1, "the failed handler was disposed");
        // The stream ended: the runtime disposes it.
        var (_, subscription) = host.Run("both/watch");
        subscription.Dispose();
        await Wait.UntilAsync(() => Volatile.Read(ref host.Probe.DisposedAsync) == 2, "the ended handler was disposed");
        Assert.Equal(0, host.Probe.Disposed);
    }

    [Fact]
    public void A_missing_service_names_the_service()
    {
        using var host = new Host(withGreeter: false);
        var invocation = host.Open("items/latest");
        var error = Assert.Throws<InvalidOperationException>(() => host.Endpoint.Invoke(invocation));
        Assert.Contains(typeof(IGreeter).FullName!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_response_stream_opened_without_a_request_is_an_invalid_payload()
    {
        using var host = new Host();
        var invocation = host.Open("items/greet");
        var error = Assert.Throws<StreamException>(() => host.Endpoint.Invoke(invocation));
        Assert.Equal(StreamErrorCodes.InvalidPayload, error.Code);
    }

    [Fact]
    public void A_request_that_is_not_valid_json_is_an_invalid_payload()
    {
        using var host = new Host();
        var invocation = host.Open("items/by-guid/0f8fad5b-d9cb-469f-a165-70867728950e", """{"value": """);
        var error = Assert.Throws<RxStreams.Serialization.StreamSerializationException>(() => host.Endpoint.Invoke(invocation));
        Assert.Equal(StreamErrorCodes.InvalidPayload, error.Code);
    }

    [Fact]
    public async Task Invalid_input_on_a_duplex_stream_fails_only_that_payload()
    {
        using var host = new Host();
        var input = new StreamInput();
        var (sink, subscription) = host.Run("chat/lobby", input: input);
        using var _ = subscription;
        var error = Assert.Throws<RxStreams.Serialization.StreamSerializationException>(() => input.OnPayload(Payload("""{"from": nope}""")));
        Assert.Equal(StreamErrorCodes.InvalidPayload, error.Code);
        input.OnCompleted();
        await Wait.ForAsync(sink.Ended, "the duplex stream to complete");
        Assert.True(sink.Completed);
    }

    private static ReadOnlySequence<byte> Payload(string json) => new(Encoding.UTF8.GetBytes(json));
}
