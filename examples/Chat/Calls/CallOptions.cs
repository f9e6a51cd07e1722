using Chat.Hosting;
using Chat.Model;

namespace Chat.Calls;

/// <summary>
/// Calls' settings, under <c>Chat:Calls</c> in configuration: how long a call rings, and the STUN/TURN servers the
/// browsers use (none by default: enough on one network or one machine, not across NATs).
/// </summary>
public sealed class CallOptions
{
    /// <summary>The default ring time.</summary>
    public static readonly TimeSpan DefaultRingTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a call rings before the caller hears "no answer" (<c>Chat:Calls:RingTimeout</c>, e.g. <c>00:00:30</c>).</summary>
    public TimeSpan RingTimeout { get; init; } = DefaultRingTimeout;

    /// <summary>The ICE servers (<c>Chat:Calls:IceServers:0:Urls:0</c>, <c>…:Username</c>, <c>…:Credential</c>).</summary>
    public IReadOnlyList<IceServer> IceServers { get; init; } = [];

    /// <summary>Reads the options from <paramref name="section"/> (<c>Chat:Calls</c>); a bad value is an error that says which.</summary>
    public static CallOptions From(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var ring = DefaultRingTimeout;
        if (section["RingTimeout"] is { Length: > 0 } text
            && (!TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out ring) || ring <= TimeSpan.Zero))
        {
            throw new ChatSettingsException($"Chat:Calls:RingTimeout is '{text}': give a positive time span such as 00:00:30.");
        }
        var servers = section.GetSection("IceServers").GetChildren().Select((server, index) =>
        {
            var urls = server.GetSection("Urls").GetChildren().Select(u => u.Value).OfType<string>().ToList();
            if (server["Urls"] is { Length: > 0 } single)
            {
                urls.Add(single);
            }
            if (urls.Count == 0 || urls.Any(u => !u.StartsWith("stun:", StringComparison.Ordinal) && !u.StartsWith("turn:", StringComparison.Ordinal) && !u.StartsWith("turns:", StringComparison.Ordinal)))
            {
                throw new ChatSettingsException($"Chat:Calls:IceServers:{index}:Urls needs one or more stun:, turn: or turns: URLs.");
            }
            return new IceServer(urls, server["Username"], server["Credential"]);
        }).ToList();
        return new CallOptions { RingTimeout = ring, IceServers = servers };
    }
}
