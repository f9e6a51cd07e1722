namespace RxStreams.Generators.Helpers;

/// <summary>Combines hash codes (netstandard2.0 has no System.HashCode).</summary>
internal static class HashCodeCombiner
{
    public static int Combine(int seed, int value) => unchecked((seed * -1521134295) + value);
}
