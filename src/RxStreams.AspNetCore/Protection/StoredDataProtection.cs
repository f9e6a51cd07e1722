using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RxStreams.Backplanes;
using RxStreams.Sessions;

namespace RxStreams.AspNetCore.Protection;

/// <summary>
/// Puts the protecting decorators around the registered backplane and session store. The registrations they wrap
/// move to a keyed service, so the container still creates and disposes them; calling this again (after
/// <c>AddRedis</c> replaced a registration) wraps the new one.
/// </summary>
internal sealed class StoredDataProtection
{
    /// <summary>The key under which the wrapped (unprotected) registrations live.</summary>
    public static readonly object InnerKey = new();

    private ServiceDescriptor? _backplane;
    private ServiceDescriptor? _sessions;

    /// <summary>True when <c>ProtectStoredData()</c> was called on these services.</summary>
    public static bool IsEnabled(IServiceCollection services) => Find(services) is not null;

    /// <summary>Enables protection (once) and wraps the current registrations.</summary>
    public static void Apply(IServiceCollection services)
    {
        var state = Find(services);
        if (state is null)
        {
            state = new StoredDataProtection();
            services.AddSingleton(state);
        }
        state._backplane = Wrap<StreamBackplane>(services, state._backplane, static sp => new ProtectedBackplane(
            sp.GetRequiredKeyedService<StreamBackplane>(InnerKey),
            sp.GetRequiredService<StoredDataProtector>()));
        state._sessions = Wrap<IStreamSessionStore>(services, state._sessions, static sp => new ProtectedSessionStore(
            sp.GetRequiredKeyedService<IStreamSessionStore>(InnerKey),
            sp.GetRequiredService<StoredDataProtector>().Sessions,
            sp.GetService<ILoggerFactory>()?.CreateLogger<ProtectedSessionStore>() ?? NullLogger<ProtectedSessionStore>.Instance));
        if (!services.Any(d => d.ServiceType == typeof(StoredDataProtector)))
        {
            services.AddSingleton(sp => new StoredDataProtector(
                sp.GetRequiredService<IDataProtectionProvider>(),
                sp.GetService<ILoggerFactory>()?.CreateLogger<ProtectedBackplane>() ?? NullLogger<ProtectedBackplane>.Instance));
        }
    }

    /// <summary>
    /// The resolved backplane or session store, checked: when <c>ProtectStoredData()</c> was called, one registered
    /// after it would be used unprotected, silently; that is an error the application hears of at startup.
    /// </summary>
    public static TService Checked<TService>(IServiceProvider services, TService resolved)
        where TService : class
    {
        if (services.GetService<StoredDataProtection>() is not null && resolved is not (ProtectedBackplane or ProtectedSessionStore))
        {
            throw new InvalidOperationException(
                $"ProtectStoredData() was called, but the {typeof(TService).Name} in use ({resolved.GetType().Name}) was registered after it and would " +
                "store data unencrypted. Call ProtectStoredData() after AddRedis() and after registering your own backplane or session store.");
        }
        return resolved;
    }

    private static StoredDataProtection? Find(IServiceCollection services)
        => services.LastOrDefault(d => d.ServiceType == typeof(StoredDataProtection) && !d.IsKeyedService)?.ImplementationInstance as StoredDataProtection;

    /// <summary>
    /// Moves the current registration of <typeparamref name="TService"/> to <see cref="InnerKey"/> and registers
    /// <paramref name="decorator"/> in its place, unless the current registration already is the decorator.
    /// </summary>
    private static ServiceDescriptor Wrap<TService>(IServiceCollection services, ServiceDescriptor? decorated, Func<IServiceProvider, TService> decorator)
        where TService : class
    {
        var current = services.LastOrDefault(d => d.ServiceType == typeof(TService) && !d.IsKeyedService)
            ?? throw new InvalidOperationException($"No {typeof(TService).Name} is registered: call AddRxStreams() before ProtectStoredData().");
        if (ReferenceEquals(current, decorated))
        {
            return current;
        }
        foreach (var stale in services.Where(d => d.ServiceType == typeof(TService) && (!d.IsKeyedService || d.ServiceKey == InnerKey)).ToList())
        {
            services.Remove(stale);
        }
        services.Add(Keyed(current));
        var descriptor = ServiceDescriptor.Singleton(decorator);
        services.Add(descriptor);
        return descriptor;
    }

    private static ServiceDescriptor Keyed(ServiceDescriptor descriptor)
    {
        if (descriptor.ImplementationInstance is { } instance)
        {
            return new ServiceDescriptor(descriptor.ServiceType, InnerKey, instance);
        }
        if (descriptor.ImplementationFactory is { } factory)
        {
            return new ServiceDescriptor(descriptor.ServiceType, InnerKey, (sp, _) => factory(sp), descriptor.Lifetime);
        }
        return new ServiceDescriptor(descriptor.ServiceType, InnerKey, descriptor.ImplementationType!, descriptor.Lifetime);
    }
}
