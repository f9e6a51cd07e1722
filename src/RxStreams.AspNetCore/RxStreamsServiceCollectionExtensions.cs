using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RxStreams.AspNetCore.Connections;
using RxStreams.Backplanes;
using RxStreams.Backplanes.InMemory;
using RxStreams.Channels;
using RxStreams.Routing;
using RxStreams.Sessions;

namespace RxStreams.AspNetCore;

/// <summary>Registers RxStreams in an application's services.</summary>
public static class RxStreamsServiceCollectionExtensions
{
    /// <summary>
    /// Adds RxStreams: the stream hub on the in-memory backplane (the default; <c>.AddRedis(…)</c> scales out), the
    /// routes the source generator compiled for the application and its references, sessions and the WebSocket
    /// connection handler. Map the endpoint with <c>app.MapRxStreams("/rx")</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets options; see <see cref="RxStreamsOptions"/>.</param>
    /// <returns>A builder that adapters extend.</returns>
    public static IRxStreamsBuilder AddRxStreams(this IServiceCollection services, Action<RxStreamsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<RxStreamsOptions>().Validate(o =>
        {
            o.Validate();
            return true;
        });
        if (configure is not null)
        {
            services.Configure(configure);
        }
        services.AddLogging();
        services.AddAuthorization();
        services.TryAddSingleton<RxStreamsMarkerService>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StreamBackplane>(sp => new InMemoryBackplane(
            sp.GetService<IOptions<InMemoryBackplaneOptions>>()?.Value,
            sp.GetService<ILogger<InMemoryBackplane>>()));
        services.TryAddSingleton(sp => sp.GetService<IOptions<StreamHubOptions>>()?.Value ?? new StreamHubOptions());
        services.TryAddSingleton<StreamHub>(sp => new StreamHub(
            Protection.StoredDataProtection.Checked(sp, sp.GetRequiredService<StreamBackplane>()), sp.GetRequiredService<StreamHubOptions>(), sp.GetService<ILogger<StreamHub>>()));
        services.TryAddSingleton<IStreamHub>(sp => sp.GetRequiredService<StreamHub>());
        // The client-hosted servers' registry, which the built-in $listen/$connect routes use.
        services.TryAddSingleton(sp => sp.GetRequiredService<StreamHub>().Servers);
        services.TryAddSingleton<IStreamSessionStore, InMemorySessionStore>();
        // The admin stream's route is in every table, off until MapRxStreamsAdmin turns it on (Admin/AdminRouter.cs).
        services.TryAddSingleton<Admin.AdminRouter>();
        services.TryAddSingleton(sp => new StreamRouteTable([Servers.ServerRouter.Instance, sp.GetRequiredService<Admin.AdminRouter>(), .. StreamRoutes.Routers]));
        services.TryAddSingleton<StreamAuthorizer>();
        services.TryAddSingleton<StreamConnectionHandler>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, StreamDrainService>());
        return new RxStreamsBuilder(services);
    }

    /// <summary>Sets the options of the in-memory backplane (history length per channel and more).</summary>
    public static IRxStreamsBuilder ConfigureInMemory(this IRxStreamsBuilder builder, Action<InMemoryBackplaneOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure(configure);
        return builder;
    }

    private sealed class RxStreamsBuilder(IServiceCollection services) : IRxStreamsBuilder
    {
        public IServiceCollection Services => services;
    }
}

/// <summary>Tells <c>MapRxStreams</c> that <c>AddRxStreams</c> was called.</summary>
internal sealed class RxStreamsMarkerService;
