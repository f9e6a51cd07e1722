using System.Reflection;
using RxStreams.Protocol;

namespace RxStreams.Tests.Protocol;

/// <summary>docs/protocol.md stays complete: every error code, frame type and close code is in it.</summary>
public sealed class ProtocolDocumentTests
{
    private static readonly string s_document = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Protocol", "protocol.md"));

    [Fact]
    public void Every_error_code_is_documented()
    {
        var codes = typeof(StreamErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
        Assert.NotEmpty(codes);
        var missing = codes.Where(code => !s_document.Contains($"| `{code}` |", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"docs/protocol.md has no row for: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_frame_type_is_documented_with_its_byte()
    {
        foreach (var type in Enum.GetValues<FrameType>())
        {
            var heading = $"0x{(byte)type:X2} {type.ToString().ToUpperInvariant()}";
            Assert.True(s_document.Contains(heading, StringComparison.Ordinal), $"docs/protocol.md has no \"{heading}\"");
        }
    }

    [Fact]
    public void Every_close_code_used_is_documented()
    {
        foreach (var code in new[] { 1000, 1001, 1002, 1008, 1009, 1011 })
        {
            Assert.Contains($"| {code} ", s_document, StringComparison.Ordinal);
        }
    }
}
