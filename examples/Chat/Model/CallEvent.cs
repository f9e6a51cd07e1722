using System.Text.Json;
using RxStreams;

namespace Chat.Model;

/// <summary>
/// A call event on a user's call channel (<see cref="Channels.Calls"/>, ephemeral). Only the server publishes them,
/// and it stamps <paramref name="FromUser"/> from the login cookie of the stream it comes from.
/// </summary>
/// <param name="CallId">The call (a protected token naming its two participants: <see cref="Calls.CallTokens"/>).</param>
/// <param name="Kind">What happened.</param>
/// <param name="FromUser">Who sent it: the caller or the callee, never what a client claimed.</param>
/// <param name="FromName">Their display name.</param>
/// <param name="Session">The callee's tab concerned (its RxStreams session): the one that accepted, or that a signal is for.</param>
/// <param name="Video">A video call (else voice only).</param>
/// <param name="Data">The session description or ICE candidate, for <see cref="CallKind.Offer"/>, <see cref="CallKind.Answer"/>, <see cref="CallKind.Candidate"/>.</param>
[StreamMessage]
public sealed record CallEvent(string CallId, CallKind Kind, string FromUser, string FromName, string? Session = null, bool Video = true, JsonElement Data = default);
