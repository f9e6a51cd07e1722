namespace Chat.Calls;

/// <summary>The two participants of a call, as its id says.</summary>
public sealed record CallParties(string Caller, string Callee);
