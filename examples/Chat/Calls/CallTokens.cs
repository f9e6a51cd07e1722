using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace Chat.Calls;

/// <summary>
/// Call ids that name their participants: the caller's and the callee's user ids and a random part, protected with
/// the app's data-protection keys (shared by every node), valid for <see cref="Lifetime"/>. Any node can tell who may
/// answer a call from its id alone, and nobody can make one up.
/// </summary>
public sealed class CallTokens(IDataProtectionProvider provider)
{
    /// <summary>How long a call id can be answered or declined.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private readonly ITimeLimitedDataProtector _protector = provider.CreateProtector("Chat.Calls.v1").ToTimeLimitedDataProtector();

    /// <summary>A new call id for a call from <paramref name="caller"/> to <paramref name="callee"/>.</summary>
    public string Create(string caller, string callee)
        => WebEncoders.Base64UrlEncode(_protector.Protect(
            Encoding.UTF8.GetBytes($"{caller}\n{callee}\n{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}"), Lifetime));

    /// <summary>The participants of a call, or null when the id is missing, not one of ours, tampered with or expired.</summary>
    public CallParties? Read(string? callId)
    {
        if (string.IsNullOrEmpty(callId))
        {
            return null; // a request without its id ({} for calls/decline reads as null)
        }
        try
        {
            var parts = Encoding.UTF8.GetString(_protector.Unprotect(WebEncoders.Base64UrlDecode(callId), out _)).Split('\n');
            return parts.Length == 3 ? new CallParties(parts[0], parts[1]) : null;
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
    }
}
