using Microsoft.Extensions.DependencyInjection;
using RxStreams.AspNetCore.Connections;

namespace RxStreams.AspNetCore.Tests;

internal static class TestExtensions
{
    public static StreamConnectionHandler GetConnectionHandler(this IServiceProvider services) => services.GetRequiredService<StreamConnectionHandler>();
}
