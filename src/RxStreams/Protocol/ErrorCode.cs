namespace RxStreams.Protocol;

/// <summary>The syntax of error codes on the wire: lower-case snake_case, <c>[a-z][a-z0-9_]*</c>.</summary>
internal static class ErrorCode
{
    /// <summary>True when <paramref name="code"/> is a letter a-z followed by letters a-z, digits and underscores.</summary>
    public static bool IsValid(string code)
    {
        if (code.Length == 0 || !char.IsAsciiLetterLower(code[0]))
        {
            return false;
        }
        foreach (var c in code)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '_')
            {
                return false;
            }
        }
        return true;
    }
}
