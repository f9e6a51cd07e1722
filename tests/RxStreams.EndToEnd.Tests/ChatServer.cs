using Chat;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using RxStreams.Testing;

namespace RxStreams.EndToEnd.Tests;

/// <summary>The chat example, in this process, on real Kestrel on a free loopback port.</summary>
public sealed class ChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private ChatServer(WebApplication app, string url)
    {
        _app = app;
        Url = url;
        Port = new Uri(url).Port;
    }

    /// <summary>http://127.0.0.1:port, or https://127.0.0.1:port when started with a certificate.</summary>
    public string Url { get; }

    public int Port { get; }

    /// <summary>
    /// Starts an instance: in memory, or sharing <paramref name="redis"/> with the other instances. With
    /// <paramref name="certificate"/> it serves https (and so wss) only, configured as a user would, through Kestrel's
    /// configuration on the command line. <paramref name="configure"/> runs after the test's own settings.
    /// </summary>
    public static async Task<ChatServer> StartAsync(string? redis = null, TestCertificate? certificate = null, Action<WebApplicationBuilder>? configure = null)
    {
        List<string> args = certificate is null
            ? ["--urls", "http://127.0.0.1:0"]
            :
            [
                "--Kestrel:Endpoints:Https:Url=https://127.0.0.1:0",
                $"--Kestrel:Endpoints:Https:Certificate:Path={certificate.PfxPath}",
                $"--Kestrel:Endpoints:Https:Certificate:Password={certificate.Password}",
            ];
        // The app runs from its build output, whose static assets manifest MapStaticAssets treats as a development
        // one (no caching, files re-read when changed) unless told otherwise: serve them as a published app does.
        args.Add("--ReloadStaticAssetsAtRuntime=false");
        if (redis is not null)
        {
            args.AddRange(["--redis", redis]);
        }
        var app = ChatApp.Build(new WebApplicationOptions { Args = [.. args], ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Production" }, builder =>
        {
            builder.Logging.ClearProviders();
            builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(5));
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        return new ChatServer(app, ChatApp.Addresses(app).First());
    }

    /// <summary>Stops the instance gracefully: its clients are told to reconnect.</summary>
    public async Task StopAsync()
    {
        _stopped = true;
        await _app.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await StopAsync();
        }
        await _app.DisposeAsync();
    }
}
