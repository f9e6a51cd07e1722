using Microsoft.Extensions.DependencyInjection;

namespace RxStreams.AspNetCore;

/// <summary>What <c>AddRxStreams()</c> returns: adapters (such as <c>.AddRedis(…)</c>) extend it.</summary>
public interface IRxStreamsBuilder
{
    /// <summary>The application's services.</summary>
    IServiceCollection Services { get; }
}
