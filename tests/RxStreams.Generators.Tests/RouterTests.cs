using Microsoft.AspNetCore.Authorization;
using RxStreams.Routing;
using RxStreams.Testing;

namespace RxStreams.Generators.Tests;

/// <summary>The router the generator emitted for this test project's handlers (Handlers/), used as a host would.</summary>
public sealed class RouterTests
{
    private static StreamRouter Router => RxStreams.Generated.RxStreams_Generators_Tests.Router.Instance;

    [Theory]
    [InlineData("chat/lobby", "ChatRoom.Join", new[] { "lobby" })]
    [InlineData("items/42", "Items.ById", new[] { "42" })]
    [InlineData("items/-7", "Items.ById", new[] { "-7" })]
    [InlineData("items/9999999999/big", "Items.ByLong", new[] { "9999999999" })]
    [InlineData("items/by-guid/0f8fad5b-d9cb-469f-a165-70867728950e", "Items.ByGuid", new[] { "0f8fad5b-d9cb-469f-a165-70867728950e" })]
    [InlineData("items/flag/true", "Items.Toggle", new[] { "true" })]
    [InlineData("items/flag/FALSE", "Items.Toggle", new[] { "FALSE" })]
    [InlineData("items/bob", "Items.ByName", new[] { "bob" })]
    [InlineData("items/note/5/hello", "Items.Note", new[] { "5", "hello" })]
    [InlineData("orders/12", "Orders.Watch", new[] { "12" })]
    [InlineData("orders/0f8fad5b-d9cb-469f-a165-70867728950e/audit", "Orders.Audit", new[] { "0f8fad5b-d9cb-469f-a165-70867728950e" })]
    [InlineData("solo", "Cases.Only", new[] { "solo" })]
    [InlineData("sky/is/true", "Cases.FirstSecond", new[] { "sky", "true" })]
    [InlineData("p/1/2/3/4/5/6/7/8", "Cases.Eight", new[] { "1", "2", "3", "4", "5", "6", "7", "8" })]
    public void Matches_every_parameter_type_and_captures_values_in_template_order(string route, string displayName, string[] expectedValues)
    {
        var values = default(RouteValues);
        Assert.Equal(RouteMatchStatus.Matched, Router.Match(route, ref values, out var endpoint));
        Assert.Equal(displayName, endpoint!.DisplayName);
        Assert.Equal(expectedValues.Length, values.Count);
        for (var i = 0; i < expectedValues.Length; i++)
        {
            Assert.Equal(expectedValues[i], values.GetString(route, i));
        }
    }

    [Theory]
    [InlineData("items/latest", "Items.Latest")]       // literal beats {id:int} and {name}
    [InlineData("items/greet", "Items.Greet")]
    [InlineData("items/123", "Items.ById")]            // typed beats string
    [InlineData("items/12x", "Items.ByName")]          // a typed value that does not parse falls through to {name}
    [InlineData("a/b/c", "Cases.Abc")]                 // literal beats a/{x}/c
    [InlineData("a/x/c", "Cases.AxC")]
    [InlineData("orders/fail", "Orders.Fail")]         // literal beats orders/{id:int}
    public void Literals_come_before_typed_parameters_before_string_parameters(string route, string displayName)
    {
        var values = default(RouteValues);
        Assert.Equal(RouteMatchStatus.Matched, Router.Match(route, ref values, out var endpoint));
        Assert.Equal(displayName, endpoint!.DisplayName);
    }

    [Theory]
    [InlineData("orders/abc")]                                   // orders/{id:int}
    [InlineData("orders/99999999999")]                           // int overflow
    [InlineData("items/by-guid/not-a-guid")]
    [InlineData("items/flag/yes")]
    [InlineData("items/abc/big")]                                // items/{id:long}/big
    [InlineData("items/note/x/hello")]
    [InlineData("sky/is/maybe")]
    [InlineData("orders/not-a-guid/audit")]
    public void A_matching_shape_with_a_value_that_does_not_parse_is_InvalidValue(string route)
    {
        var values = default(RouteValues);
        Assert.Equal(RouteMatchStatus.InvalidValue, Router.Match(route, ref values, out var endpoint));
        Assert.Null(endpoint);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("chat/lobby/")]        // trailing slash
    [InlineData("/chat/lobby")]        // leading slash
    [InlineData("chat//lobby")]        // empty segment
    [InlineData("items/")]
    [InlineData("Chat/lobby")]         // routes are case-sensitive
    [InlineData("ITEMS/latest")]
    [InlineData("unknown/route")]
    [InlineData("a/b/c/d/e")]
    [InlineData("p/1/2/3/4/5/6/7/8/9")] // more segments than any template
    [InlineData("p/1/2/3/4/5/6/7/8/9/10/11/12")]
    public void Routes_that_no_template_has_the_shape_of_are_NotFound(string route)
    {
        var values = default(RouteValues);
        Assert.Equal(RouteMatchStatus.NotFound, Router.Match(route, ref values, out var endpoint));
        Assert.Null(endpoint);
    }

    [Fact]
    public void Null_route_is_NotFound()
    {
        var values = default(RouteValues);
        Assert.Equal(RouteMatchStatus.NotFound, Router.Match(null!, ref values, out _));
    }

    [Fact]
    public void A_match_clears_values_left_by_an_earlier_one()
    {
        var values = default(RouteValues);
        Router.Match("items/note/5/hello", ref values, out _);
        Assert.Equal(RouteMatchStatus.Matched, Router.Match("items/latest", ref values, out _));
        Assert.Equal(0, values.Count);
    }

    [Fact]
    public void Matching_allocates_nothing()
    {
        string[] routes = ["chat/lobby", "items/42", "items/latest", "items/by-guid/0f8fad5b-d9cb-469f-a165-70867728950e", "orders/abc", "nope/nope/nope/nope", "p/1/2/3/4/5/6/7/8"];
        var values = default(RouteValues);
        var allocated = Allocations.SteadyState(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                foreach (var route in routes)
                {
                    Router.Match(route, ref values, out _);
                }
            }
        });
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Endpoints_describe_their_handlers()
    {
        var byName = Router.Endpoints.ToDictionary(e => e.DisplayName);
        Assert.Equal(21, byName.Count);

        var join = byName["ChatRoom.Join"];
        Assert.Equal("chat/{room}", join.Template);
        Assert.Equal(StreamInteraction.Duplex, join.Interaction);
        Assert.True(join.IsResumable);
        Assert.Equal(new[] { "room" }, join.ParameterNames);
        Assert.Empty(join.Metadata);

        Assert.Equal(StreamInteraction.Subscription, byName["Items.ById"].Interaction);
        Assert.Equal(StreamInteraction.RequestResponse, byName["Items.ByGuid"].Interaction);
        Assert.Equal(StreamInteraction.RequestResponse, byName["Items.Greet"].Interaction);
        Assert.Equal(StreamInteraction.FireAndForget, byName["Items.Toggle"].Interaction);
        Assert.Equal(StreamInteraction.FireAndForget, byName["Items.Note"].Interaction);
        Assert.Equal(StreamInteraction.FireAndForget, byName["Items.Plant"].Interaction);
        Assert.False(byName["Items.ById"].IsResumable);
        Assert.Equal(new[] { "id", "text" }, byName["Items.Note"].ParameterNames);
        Assert.Equal("items/note/{id:int}/{text}", byName["Items.Note"].Template);
    }

    [Fact]
    public void Metadata_holds_the_class_then_the_method_authorization_attributes()
    {
        var byName = Router.Endpoints.ToDictionary(e => e.DisplayName);

        var watch = byName["Orders.Watch"].Metadata;
        Assert.Equal(2, watch.Count);
        Assert.Equal("orders", Assert.IsType<AuthorizeAttribute>(watch[0]).Policy);
        Assert.Equal("clerk,admin", Assert.IsType<AuthorizeAttribute>(watch[1]).Roles);

        var audit = byName["Orders.Audit"].Metadata;
        Assert.Equal("orders", Assert.IsType<AuthorizeAttribute>(audit[0]).Policy);
        Assert.IsType<AllowAnonymousAttribute>(audit[1]);

        Assert.Single(byName["Orders.Fail"].Metadata);
    }

    [Fact]
    public void The_module_initializer_registered_the_router_and_it_combines_without_conflicts()
    {
        Assert.Contains(Router, StreamRoutes.Routers);
        var table = new StreamRouteTable(StreamRoutes.Routers);
        var values = default(RouteValues);
        Assert.Equal(RouteMatchStatus.Matched, table.Match("chat/lobby", ref values, out var endpoint));
        Assert.Equal("ChatRoom.Join", endpoint!.DisplayName);
        Assert.Equal(RouteMatchStatus.InvalidValue, table.Match("orders/abc", ref values, out _));
    }
}
