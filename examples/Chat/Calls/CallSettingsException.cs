namespace Chat.Calls;

/// <summary>A setting under <c>Chat:Calls</c> is invalid; the message names it and says what it takes.</summary>
public sealed class CallSettingsException(string message) : Exception(message);
