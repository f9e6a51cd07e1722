using System.Text.Json;

namespace Chat.Model;

/// <summary>
/// What a call's stream carries between a client and the server: a <see cref="CallKind"/> and, for
/// <see cref="CallKind.Offer"/>, <see cref="CallKind.Answer"/> and <see cref="CallKind.Candidate"/>, the browser's
/// <c>RTCSessionDescription</c> or <c>RTCIceCandidate</c> as JSON, passed on untouched.
/// </summary>
public sealed record CallSignal(CallKind Kind, JsonElement Data = default);
