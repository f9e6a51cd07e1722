using RxStreams.AspNetCore;

namespace SharedServices;

/// <summary>The example's host: static pages, the RxStreams endpoint at /rx, and the "servers" route.</summary>
public static class SharedServicesApp
{
    /// <summary>
    /// Builds the app from command-line style arguments: <c>--urls</c>, <c>--redis host:port</c> (scale out over
    /// Redis; the in-memory backplane otherwise), and ASP.NET Core's own (<c>--contentRoot</c>, <c>--environment</c>).
    /// </summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var rx = builder.Services.AddRxStreams();
        if (builder.Configuration["redis"] is { Length: > 0 } redis)
        {
            rx.AddRedis(redis);
        }
        var app = builder.Build();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapRxStreams("/rx");
        return app;
    }

    /// <summary>Which backplane the app runs on, for the start-up line.</summary>
    public static string Backplane(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Configuration["redis"] is { Length: > 0 } redis ? $"Redis at {redis}" : "in-memory backplane";
    }
}
