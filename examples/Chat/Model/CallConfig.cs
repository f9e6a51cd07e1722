namespace Chat.Model;

/// <summary>What the page needs to place and take calls (<c>calls/config</c>): the ICE servers for <c>RTCPeerConnection</c>.</summary>
public sealed record CallConfig(IReadOnlyList<IceServer> IceServers);
