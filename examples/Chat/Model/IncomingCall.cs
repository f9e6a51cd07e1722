namespace Chat.Model;

/// <summary>What a user's tabs hear on <c>calls</c>: a call rings (<see cref="CallKind.Ring"/>), another tab took it (<see cref="CallKind.Taken"/>), or it ended (<see cref="CallKind.Ended"/>).</summary>
/// <param name="CallId">The call, to answer (<c>answer/{callId}</c>) or decline (<c>calls/decline</c>).</param>
/// <param name="CallerId">The caller's user id.</param>
/// <param name="CallerName">The caller's display name.</param>
/// <param name="Video">A video call (else voice only).</param>
/// <param name="State">Ring, Taken or Ended.</param>
public sealed record IncomingCall(string CallId, string CallerId, string CallerName, bool Video, CallKind State);
