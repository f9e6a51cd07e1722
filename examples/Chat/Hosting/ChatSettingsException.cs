namespace Chat.Hosting;

/// <summary>
/// A setting of the chat (under <c>Chat:Calls</c> or <c>Telemetry</c>) is invalid; the message names it and says what
/// it takes. <c>ChatApp.Build</c> throws it, and Program.cs prints the message and exits with 1.
/// </summary>
public sealed class ChatSettingsException(string message) : Exception(message);
