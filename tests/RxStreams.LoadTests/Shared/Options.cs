using System.Globalization;

namespace RxStreams.LoadTests;

/// <summary>Command-line options: <c>--name value</c> pairs and <c>--flag</c>s.</summary>
internal sealed class Options(string[] args)
{
    public string[] Args { get; } = args;

    public bool Has(string flag) => Array.IndexOf(Args, flag) >= 0;

    public string? Get(string name)
    {
        var i = Array.IndexOf(Args, name);
        return i >= 0 && i + 1 < Args.Length ? Args[i + 1] : null;
    }

    public int GetInt(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double GetDouble(string name, double fallback) => Get(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
