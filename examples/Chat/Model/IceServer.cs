namespace Chat.Model;

/// <summary>A STUN or TURN server, as <c>RTCPeerConnection</c>'s <c>iceServers</c> takes it.</summary>
/// <param name="Urls">e.g. <c>stun:stun.example.org:3478</c>, <c>turn:turn.example.org:3478?transport=udp</c>.</param>
/// <param name="Username">The TURN user name, if any.</param>
/// <param name="Credential">The TURN credential, if any.</param>
public sealed record IceServer(IReadOnlyList<string> Urls, string? Username = null, string? Credential = null);
