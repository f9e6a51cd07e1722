using Chat.Hosting;
using Chat.Identity;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using RxStreams.AspNetCore;
using RxStreams.AspNetCore.Admin;

namespace Chat;

/// <summary>
/// The chat application: cookie login, RxStreams (in memory, or Redis with <c>--redis host:port</c>), the handlers
/// in Handlers/ and the static page in wwwroot/ (index.html, with its assets' fingerprinted URLs filled in). Program.cs runs it; the end-to-end tests start it in-process.
/// </summary>
public static class ChatApp
{
    /// <summary>Builds the application. <paramref name="options"/> carries the command line (<c>--urls</c>, <c>--redis</c>).</summary>
    public static WebApplication Build(WebApplicationOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = options.Args,
            ContentRootPath = options.ContentRootPath,
            EnvironmentName = options.EnvironmentName,
            WebRootPath = options.WebRootPath,
            // The build names the static assets' manifests after the app (Chat.staticwebassets.*.json): find them
            // also when a test hosts the app, whose entry assembly is the test runner.
            ApplicationName = options.ApplicationName ?? typeof(ChatApp).Assembly.GetName().Name,
        });
        // The slim builder leaves out Kestrel's HTTPS configuration: put it back, so https endpoints and their
        // certificates can be given on the command line or in appsettings.json (Kestrel:Endpoints:…).
        builder.WebHost.UseKestrelHttpsConfiguration();
        // A built (not published) app serves wwwroot from the project and its compressed forms from obj/, as the
        // build's manifest says (dotnet run, the tests); a published app has them all in its own wwwroot.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ChatJsonContext.Default));

        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.Cookie.Name = "rxchat";
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.ExpireTimeSpan = TimeSpan.FromDays(30);
                o.SlidingExpiration = true;
                o.Events.OnRedirectToLogin = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                };
                // Signed in, but not allowed (the admin page for a user who is not an admin).
                o.Events.OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
            });
        // The RxStreams admin page is for the users listed under Chat:Admins (Identity/ChatAdmins.cs).
        var configuration = builder.Configuration;
        builder.Services.AddAuthorization(o => o.AddAdminPolicy(configuration));
        builder.Services.AddDataProtection().SetApplicationName("RxStreams.Chat");

        var rx = builder.Services.AddRxStreams();
        if (RedisConfiguration(builder.Configuration) is { } redis)
        {
            // Several nodes share Redis: messages, conversations and sessions are stored there encrypted with the
            // data-protection keys below, which every node shares (they also sign the login cookie).
            rx.AddRedis(redis).ProtectStoredData();
            var keys = new Lazy<StackExchange.Redis.ConnectionMultiplexer>(() => StackExchange.Redis.ConnectionMultiplexer.Connect(redis));
            builder.Services.Configure<KeyManagementOptions>(o => o.XmlRepository = new RedisXmlRepository(keys, "rx:chat:data-protection-keys"));
        }

        builder.Services.AddSingleton(sp => new MessagePolicy(
            sp.GetRequiredService<IConfiguration>().GetSection("Chat:BlockedWords").GetChildren().Select(c => c.Value ?? "")));
        builder.Services.AddSingleton<Calls.CallTokens>();
        builder.Services.AddSingleton<Calls.CallRateLimiter>();
        builder.Services.AddSingleton<RoomDirectory>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RoomDirectory>());
        builder.AddChatTelemetry();

        configure?.Invoke(builder);
        // Read now, after the caller's own settings: a bad value stops the app at startup, naming the setting.
        builder.Services.AddSingleton(Calls.CallOptions.From(builder.Configuration.GetSection("Chat:Calls")));

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        // wwwroot as the build and publish prepared it: fingerprinted URLs cached for good, precompressed (gzip at
        // build, Brotli and gzip at publish). The page at / refers to those URLs (Hosting/IndexPage.cs).
        app.MapStaticAssets();
        app.MapIndexPage();
        app.MapLogin();
        app.MapRxStreams("/rx");
        // A live view of every chat node (through Redis when scaled out), for admins only: docs/operations.md.
        app.MapRxStreamsAdmin("/rx/admin", policy: ChatAdmins.Policy, o =>
        {
            if (app.Configuration["Chat:NodeName"] is { Length: > 0 } name)
            {
                o.NodeName = name;
            }
        });
        app.MapChatTelemetry();
        return app;
    }

    /// <summary>The Redis configuration (<c>--redis host:port</c>, or <c>Redis</c> in configuration), if any.</summary>
    public static string? RedisConfiguration(IConfiguration configuration)
        => configuration["redis"] is { Length: > 0 } redis ? redis : null;

    /// <summary>The addresses the server listens on, once started.</summary>
    public static IReadOnlyCollection<string> Addresses(WebApplication app)
        => app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];
}
