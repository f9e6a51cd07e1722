using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RxStreams.Testing;

namespace RxStreams.Fuzzing.Host;

/// <summary>
/// The two real Kestrel hosts a fuzz run talks to, both with the small limits of <see cref="FuzzSettings"/>: the main
/// one (no rate limit in reach) and one with a tight rate limit for the flood scenarios. Their logs go to one
/// <see cref="LogRecorder"/>.
/// </summary>
public sealed class FuzzHost : IAsyncDisposable
{
    private FuzzHost(KestrelHost main, KestrelHost rate, LogRecorder logs)
    {
        Main = main;
        Rate = rate;
        Logs = logs;
    }

    public KestrelHost Main { get; }

    public KestrelHost Rate { get; }

    public LogRecorder Logs { get; }

    public IStreamHub Hub => Main.Services.GetRequiredService<IStreamHub>();

    public static async Task<FuzzHost> StartAsync(FuzzSettings settings)
    {
        var logs = new LogRecorder();
        var main = await StartAsync(settings, logs, settings.MessagesPerSecond, settings.MessagesPerSecond).ConfigureAwait(false);
        try
        {
            var rate = await StartAsync(settings, logs, settings.RateHostMessagesPerSecond, settings.RateHostBurst).ConfigureAwait(false);
            return new FuzzHost(main, rate, logs);
        }
        catch
        {
            await main.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static Task<KestrelHost> StartAsync(FuzzSettings settings, LogRecorder logs, int messagesPerSecond, int burst)
        => KestrelHost.StartAsync(
            o =>
            {
                o.MaxFrameSize = settings.MaxFrameSize;
                o.MaxPendingBytesPerConnection = settings.MaxPendingBytes;
                o.MaxStreamsPerConnection = settings.MaxStreams;
                o.MaxRouteLength = settings.MaxRouteLength;
                o.MaxUnreadInputMessages = settings.MaxUnreadInput;
                o.HandshakeTimeout = settings.HandshakeTimeout;
                o.CloseTimeout = settings.CloseTimeout;
                o.KeepAliveInterval = settings.KeepAliveInterval;
                o.ClientTimeout = settings.KeepAliveInterval * 2;
                o.MaxMessagesPerSecond = messagesPerSecond;
                o.MessageBurst = burst;
                // The fuzz handlers never fail; detailed errors would only lengthen the frames.
                o.EnableDetailedErrors = false;
            },
            configureServices: rx => rx.Services.AddSingleton<ILoggerProvider>(logs));

    public async ValueTask DisposeAsync()
    {
        await Main.DisposeAsync().ConfigureAwait(false);
        await Rate.DisposeAsync().ConfigureAwait(false);
    }
}
