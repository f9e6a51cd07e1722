namespace Chat.Model;

/// <summary>The request of <c>calls/decline</c>: the callee says no to a ringing call.</summary>
public sealed record DeclineCall(string CallId);
