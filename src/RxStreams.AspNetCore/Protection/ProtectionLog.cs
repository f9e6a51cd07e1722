using Microsoft.Extensions.Logging;

namespace RxStreams.AspNetCore.Protection;

/// <summary>Log messages of stored-data protection, with stable event ids 2900–2919 (in the host's range).</summary>
internal static partial class ProtectionLog
{
    [LoggerMessage(2901, LogLevel.Error, "Item {Offset} of {Kind} '{Name}' cannot be decrypted: it was tampered with, written unprotected, or protected with a key this node's data-protection key ring lacks or has revoked. The stream reading it ends with 'undecryptable'.")]
    public static partial void Undecryptable(ILogger logger, string kind, string name, StreamOffset offset, Exception exception);

    [LoggerMessage(2902, LogLevel.Warning, "Session {SessionId} cannot be decrypted (tampered with, or a key this node lacks or has revoked); the client gets a fresh session.")]
    public static partial void SessionUndecryptable(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(2903, LogLevel.Warning, "Session {SessionId} is stored unprotected (written before ProtectStoredData was enabled, or not by RxStreams); the client gets a fresh session.")]
    public static partial void SessionUnprotected(ILogger logger, string sessionId);
}
