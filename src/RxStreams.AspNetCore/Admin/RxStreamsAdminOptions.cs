using System.Diagnostics.CodeAnalysis;

namespace RxStreams.AspNetCore.Admin;

/// <summary>Options of the live admin page (<see cref="RxStreamsAdminEndpointRouteBuilderExtensions.MapRxStreamsAdmin"/>).</summary>
public sealed class RxStreamsAdminOptions
{
    /// <summary>
    /// How often each node publishes its figures on the backplane, and how often the page is updated. Default 1 s;
    /// 100 ms to 1 hour.
    /// </summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A node not heard from for this long leaves the page (it stopped, or cannot reach the backplane). Default
    /// (null): three <see cref="SnapshotInterval"/>s. Must be longer than one interval.
    /// </summary>
    public TimeSpan? NodeExpiry { get; set; }

    /// <summary>
    /// The node's name on the page. Default (null): the machine name and the process id, <c>web-1:4242</c>. At most
    /// 128 characters.
    /// </summary>
    public string? NodeName { get; set; }

    /// <summary>
    /// Where the application mapped the RxStreams endpoint (the pattern given to <c>MapRxStreams</c>): the page loads
    /// the browser client from <c>{StreamsPattern}/client.js</c> and opens the admin stream there. Default <c>/rx</c>.
    /// </summary>
    [StringSyntax("Route")]
    public string StreamsPattern { get; set; } = "/rx";

    /// <summary>
    /// At most this many channels (those with the most subscribers), presence sets, servers and queues per node in a
    /// snapshot, so a node with 100,000 rooms still sends a small one. Default 100; at least 1.
    /// </summary>
    public int MaxListLength { get; set; } = 100;

    /// <summary>The expiry in effect: <see cref="NodeExpiry"/>, or three intervals.</summary>
    internal TimeSpan EffectiveNodeExpiry => NodeExpiry ?? SnapshotInterval * 3;

    /// <summary>Throws for an option out of range, naming it.</summary>
    internal void Validate()
    {
        if (SnapshotInterval < TimeSpan.FromMilliseconds(100) || SnapshotInterval > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(SnapshotInterval), SnapshotInterval, "RxStreamsAdminOptions.SnapshotInterval must be between 100 ms and 1 hour.");
        }
        if (EffectiveNodeExpiry <= SnapshotInterval)
        {
            throw new ArgumentOutOfRangeException(nameof(NodeExpiry), NodeExpiry, "RxStreamsAdminOptions.NodeExpiry must be longer than SnapshotInterval, or every node would flicker off the page between two snapshots.");
        }
        if (NodeName is { } name && (name.Length is 0 or > 128 || name.AsSpan().ContainsAnyInRange('\0', '\u001f')))
        {
            throw new ArgumentOutOfRangeException(nameof(NodeName), NodeName, "RxStreamsAdminOptions.NodeName has 1 to 128 characters and no control characters.");
        }
        if (string.IsNullOrEmpty(StreamsPattern) || StreamsPattern[0] != '/')
        {
            throw new ArgumentOutOfRangeException(nameof(StreamsPattern), StreamsPattern, "RxStreamsAdminOptions.StreamsPattern is the pattern given to MapRxStreams and starts with '/' (e.g. \"/rx\").");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxListLength, 1, nameof(MaxListLength));
    }
}
