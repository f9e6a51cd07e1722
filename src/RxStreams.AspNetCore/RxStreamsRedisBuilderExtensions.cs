using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RxStreams.AspNetCore.Protection;
using RxStreams.Backplanes;
using RxStreams.Redis;
using RxStreams.Sessions;

namespace RxStreams.AspNetCore;

/// <summary>Scales RxStreams out through Redis.</summary>
public static class RxStreamsRedisBuilderExtensions
{
    /// <summary>
    /// Uses Redis as the backplane and the session store, so any number of server processes share channels, presence,
    /// work queues and sessions, behind any load balancer and without sticky sessions.
    /// </summary>
    /// <param name="builder">What <c>AddRxStreams()</c> returned.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, e.g. <c>"localhost:6379"</c> or <c>"redis1:6379,redis2:6379,password=…"</c>.</param>
    public static IRxStreamsBuilder AddRedis(this IRxStreamsBuilder builder, string configuration)
    {
        ArgumentException.ThrowIfNullOrEmpty(configuration);
        return builder.AddRedis(o => o.Configuration = configuration);
    }

    /// <summary>Uses Redis as the backplane and the session store, with options (key prefix, retention, presence lease, timeouts, a connection factory…).</summary>
    public static IRxStreamsBuilder AddRedis(this IRxStreamsBuilder builder, Action<RedisBackplaneOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        builder.Services.Replace(ServiceDescriptor.Singleton(sp =>
            new RedisBackplane(sp.GetRequiredService<IOptions<RedisBackplaneOptions>>().Value, sp.GetService<ILogger<RedisBackplane>>())));
        builder.Services.Replace(ServiceDescriptor.Singleton<StreamBackplane>(sp => sp.GetRequiredService<RedisBackplane>()));
        builder.Services.Replace(ServiceDescriptor.Singleton<IStreamSessionStore>(sp => sp.GetRequiredService<RedisBackplane>().Sessions));
        if (StoredDataProtection.IsEnabled(builder.Services))
        {
            // ProtectStoredData() came first: wrap the Redis registrations that just replaced the ones it wrapped.
            StoredDataProtection.Apply(builder.Services);
        }
        return builder;
    }
}
