using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using RxStreams.AspNetCore.Client;
using RxStreams.AspNetCore.Connections;

namespace RxStreams.AspNetCore;

/// <summary>Maps the RxStreams endpoint.</summary>
public static class RxStreamsEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the WebSocket endpoint at <paramref name="pattern"/> (default <c>/rx</c>) and serves the browser client at
    /// <c>{pattern}/client.js</c> (with its TypeScript declarations at <c>{pattern}/client.d.ts</c>): minified,
    /// compressed (Brotli or gzip, as the browser accepts), from a fingerprinted URL cached for a year
    /// (<see cref="RxStreamsBrowserClient"/>), with a source map. Adds the
    /// WebSocket middleware if the application did not. Returns the endpoint's convention builder, so
    /// <c>.RequireAuthorization()</c>, <c>.RequireCors(…)</c> and the like apply to the WebSocket endpoint.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>services.AddRxStreams()</c> was not called.</exception>
    public static IEndpointConventionBuilder MapRxStreams(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern = "/rx")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        if (endpoints.ServiceProvider.GetService<RxStreamsMarkerService>() is null)
        {
            throw new InvalidOperationException(
                "RxStreams services are not registered. Call builder.Services.AddRxStreams() (before builder.Build()) in Program.cs, then app.MapRxStreams(\"" + pattern + "\").");
        }
        var prefix = RxStreamsBrowserClient.Prefix(pattern);
        var handler = endpoints.ServiceProvider.GetRequiredService<StreamConnectionHandler>();

        foreach (var module in BrowserClient.Modules)
        {
            module.Map(endpoints, prefix);
        }

        return endpoints.Map(prefix, handler.HandleAsync)
            .WithDisplayName("RxStreams " + prefix)
            .ExcludeFromDescription();
    }
}
