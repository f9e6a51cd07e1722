using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RxStreams.AspNetCore.Connections;
using RxStreams.Channels;

namespace RxStreams.AspNetCore.Admin;

/// <summary>Maps the live admin page of RxStreams.</summary>
public static class RxStreamsAdminEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the live admin page at <paramref name="pattern"/> (with its script at <c>{pattern}/admin.js</c>) and
    /// enables the admin stream <c>$admin</c> on the RxStreams endpoint, both for the users that the authorization
    /// policy <paramref name="policy"/> admits only. The page shows every node of the cluster (connections, streams,
    /// send-queue bytes, drops, channels with their subscribers and rates, presence sets, client-hosted servers,
    /// work queues) as live charts fed by that stream: each node publishes a snapshot of its figures on the backplane
    /// every <see cref="RxStreamsAdminOptions.SnapshotInterval"/>, so every node of the cluster must map it too (they
    /// run the same Program.cs). Returns the page's convention builder. See docs/operations.md, "Admin page".
    /// </summary>
    /// <param name="endpoints">The application.</param>
    /// <param name="pattern">Where the page is served, e.g. <c>/rx/admin</c>.</param>
    /// <param name="policy">
    /// The name of the authorization policy of the users who may see the page and open the stream (registered with
    /// <c>AddAuthorization(o =&gt; o.AddPolicy(name, …))</c>). Required: the page is never served without one.
    /// </param>
    /// <param name="configure">Sets options; see <see cref="RxStreamsAdminOptions"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="policy"/> is null, empty or blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="InvalidOperationException">
    /// <c>AddRxStreams()</c> was not called, no policy has that name, or the admin page was already mapped.
    /// </exception>
    public static IEndpointConventionBuilder MapRxStreamsAdmin(
        this IEndpointRouteBuilder endpoints,
        [StringSyntax("Route")] string pattern,
        string policy,
        Action<RxStreamsAdminOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        if (string.IsNullOrWhiteSpace(policy))
        {
            throw new ArgumentException(
                "The RxStreams admin page shows every node's connections, channels and users: it needs an authorization policy. " +
                "Name the policy of the users who may see it, e.g. builder.Services.AddAuthorization(o => o.AddPolicy(\"admin\", p => p.RequireRole(\"admin\"))) " +
                "and app.MapRxStreamsAdmin(\"" + pattern + "\", policy: \"admin\").",
                nameof(policy));
        }
        var services = endpoints.ServiceProvider;
        if (services.GetService<RxStreamsMarkerService>() is null || services.GetService<AdminRouter>() is not { } router)
        {
            throw new InvalidOperationException(
                "RxStreams services are not registered. Call builder.Services.AddRxStreams() (before builder.Build()) in Program.cs, then app.MapRxStreams(\"/rx\") and app.MapRxStreamsAdmin(\"" + pattern + "\", policy: …).");
        }
        var options = new RxStreamsAdminOptions();
        configure?.Invoke(options);
        options.Validate();
        // A misspelt policy fails here, at startup, rather than refusing every admin at the first request.
        if (services.GetRequiredService<IAuthorizationPolicyProvider>().GetPolicyAsync(policy).GetAwaiter().GetResult() is null)
        {
            throw new InvalidOperationException(
                $"No authorization policy is named '{policy}'. Add it before builder.Build(): builder.Services.AddAuthorization(o => o.AddPolicy(\"{policy}\", p => …)).");
        }

        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("RxStreams.AspNetCore.Admin");
        var node = new AdminNode(
            services.GetRequiredService<StreamHub>(),
            services.GetRequiredService<StreamConnectionHandler>(),
            options,
            services.GetRequiredService<TimeProvider>(),
            logger);
        router.Enable(policy, node);
        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStarted.Register(() => _ = node.RunAsync(lifetime.ApplicationStopping));
        AdminLog.Mapped(logger, pattern, policy, node.NodeId, node.Name, options.SnapshotInterval);

        var page = new AdminPage(pattern, options.StreamsPattern);
        var group = endpoints.MapGroup(RxStreamsBrowserClient.Prefix(pattern));
        group.MapGet("", page.WriteHtmlAsync).WithDisplayName("RxStreams admin page");
        group.MapGet("/admin.js", page.WriteScriptAsync).WithDisplayName("RxStreams admin page script");
        return group.RequireAuthorization(policy).ExcludeFromDescription();
    }
}
